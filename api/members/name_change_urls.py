"""Re-verification and name change requests (relative to `sites/<slug:site>/`)."""

from django.urls import path

from . import name_change_views as names

site_urlpatterns = [
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
]

urlpatterns = site_urlpatterns  # so `include("api.members.name_change_urls")` works
