from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from api import errors

admin.site.site_header = "Membership platform — operators"

urlpatterns = [
    path("", RedirectView.as_view(url="/api/v1/docs/", permanent=False)),
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.urls")),
    path("api-auth/", include("rest_framework.urls", namespace="rest_framework")),
    # Last: any other /api/ path (a parameter that does not match its pattern included) is the
    # JSON 404 of SPEC §11, never Django's page with the URL list (DEBUG on).
    re_path(r"^api/(?:.*/)?$", errors.not_found),
]

handler500 = errors.server_error  # a lost database: 503 database_unavailable (api.errors)
