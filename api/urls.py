from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from api.auth import views as auth
from api.health.views import HealthView
from api.members import views as members
from api.sites import views as sites

site_patterns = [
    path("", sites.SiteDetailView.as_view(), name="site-detail"),
    path("auth/token/", auth.LoginView.as_view(), name="auth-token"),
    path("auth/token/refresh/", auth.TokenRefreshView.as_view(), name="auth-token-refresh"),
    path("auth/logout/", auth.LogoutView.as_view(), name="auth-logout"),
    path("members/me/", members.MeView.as_view(), name="members-me"),
]

urlpatterns = [
    path("sites/", sites.SiteListView.as_view(), name="site-list"),
    path("sites/<slug:site>/", include(site_patterns)),
    path("health/", HealthView.as_view(), name="health"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
]
