"""SNS accounts and SNS login (relative to `sites/<slug:site>/`)."""

from django.urls import path

from . import social_views as social

site_urlpatterns = [
    path(
        "members/me/social-accounts/",
        social.SocialAccountListView.as_view(),
        name="members-me-social-accounts",
    ),
    path(
        "members/me/social-accounts/<str:provider>/",
        social.SocialAccountDetailView.as_view(),
        name="members-me-social-account",
    ),
    path("auth/social/<str:provider>/", social.SocialLoginView.as_view(), name="auth-social"),
]

urlpatterns = site_urlpatterns  # so `include("api.members.social_urls")` works
