"""SNS accounts, re-verification, name change requests and the manual (relative to
`sites/<slug:site>/`)."""

from django.urls import path

from api.sites.manual_views import SiteManualView

from . import name_change_views as names
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
    path(
        "members/me/re-verification/",
        names.ReVerificationView.as_view(),
        name="members-me-re-verification",
    ),
    path(
        "name-change-requests/",
        names.NameChangeRequestListView.as_view(),
        name="name-change-requests",
    ),
    path(
        "name-change-requests/<int:id>/evidence/",
        names.NameChangeEvidenceView.as_view(),
        name="name-change-request-evidence",
    ),
    path(
        "name-change-requests/<int:id>/approve/",
        names.NameChangeApproveView.as_view(),
        name="name-change-request-approve",
    ),
    path(
        "name-change-requests/<int:id>/reject/",
        names.NameChangeRejectView.as_view(),
        name="name-change-request-reject",
    ),
    path("manual/", SiteManualView.as_view(), name="site-manual"),
]

urlpatterns = site_urlpatterns  # so `include("api.members.extra_urls")` works
