from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

admin.site.site_header = "Membership platform — operators"

urlpatterns = [
    path("", RedirectView.as_view(url="/api/v1/docs/", permanent=False)),
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.urls")),
    path("api-auth/", include("rest_framework.urls", namespace="rest_framework")),
]
