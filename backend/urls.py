from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from api import errors
from api.throttles import login_throttled

admin.site.site_header = "Membership platform — operators"

urlpatterns = [
    path("", RedirectView.as_view(url="/api/v1/docs/", permanent=False)),
    # The two log-in forms get the API login's per-IP throttle (SPEC §14); these patterns come
    # before the ones they shadow, which keep their names for reverse().
    path("admin/login/", login_throttled(admin.site.login)),
    path(
        "api-auth/login/",
        login_throttled(auth_views.LoginView.as_view(template_name="rest_framework/login.html")),
    ),
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.urls")),
    path("api-auth/", include("rest_framework.urls", namespace="rest_framework")),
    # Last: any other /api/ path (a parameter that does not match its pattern included) is the
    # JSON 404 of SPEC §11, never Django's page with the URL list (DEBUG on).
    # `[\s\S]`, not `.`: a path parameter holding a line break (%0A) is an API path too.
    re_path(r"^api/(?:[\s\S]*/)?$", errors.not_found),
]

handler500 = errors.server_error  # a lost database: 503 database_unavailable (api.errors)
