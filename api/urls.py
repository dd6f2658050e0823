from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from api.auth import views as auth
from api.consents.urls import site_urlpatterns as consent_patterns
from api.health.views import HealthView
from api.library import views as library
from api.members import signup_views
from api.members import views as members
from api.sites import views as sites
from api.sites.manual_views import SiteManualView
from api.verifications import views as verifications

site_patterns = [
    path("", sites.SiteDetailView.as_view(), name="site-detail"),
    path("auth/token/", auth.LoginView.as_view(), name="auth-token"),
    path("auth/token/otp/", auth.LoginOtpView.as_view(), name="auth-token-otp"),
    path("auth/token/refresh/", auth.TokenRefreshView.as_view(), name="auth-token-refresh"),
    path("auth/logout/", auth.LogoutView.as_view(), name="auth-logout"),
    path("members/", signup_views.SignUpView.as_view(), name="member-sign-up"),
    path(
        "members/username-availability/",
        signup_views.UsernameAvailabilityView.as_view(),
        name="member-username-availability",
    ),
    path(
        "library-branches/", signup_views.LibraryBranchListView.as_view(), name="library-branches"
    ),
    path("members/me/", members.MeView.as_view(), name="members-me"),
    path("members/<int:id>/", members.MemberDetailView.as_view(), name="member-detail"),
    path("", include("api.members.account_urls")),
    path("library-upgrades/", library.LibraryUpgradeView.as_view(), name="library-upgrades"),
    path(
        "library-upgrades/children/",
        library.LibraryChildrenView.as_view(),
        name="library-upgrade-children",
    ),
    path(
        "verifications/", verifications.VerificationStartView.as_view(), name="verification-start"
    ),
    path(
        "verifications/<uuid:id>/confirm/",
        verifications.VerificationConfirmView.as_view(),
        name="verification-confirm",
    ),
]

urlpatterns = [
    path("", sites.ApiRootView.as_view(), name="api-root"),
    path("sites/", sites.SiteListView.as_view(), name="site-list"),
    path("sites/<slug:site>/", include(site_patterns)),
    path("sites/<slug:site>/", include(consent_patterns)),
    path("sites/<slug:site>/", include("api.members.social_urls")),
    path("sites/<slug:site>/", include("api.members.name_change_urls")),
    path("sites/<slug:site>/manual/", SiteManualView.as_view(), name="site-manual"),
    path("sites/<slug:site>/", include("api.corporates.member_urls")),
    path("sites/<slug:site>/", include("api.corporates.account_urls")),
    path("sites/<slug:site>/", include("api.corporates.corporate_urls")),
    path("sites/<slug:site>/", include("api.purchases.urls")),
    path("sites/<slug:site>/", include("api.dispatches.urls")),
    path("health/", HealthView.as_view(), name="health"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
]
