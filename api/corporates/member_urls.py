"""The 멤버 menu, 내 정보 and invitation links (relative to `sites/<slug:site>/`).

Entries of the members list are addressed by their ids, `invitation-<n>` or `admin-<n>`.
"""

from django.urls import path, re_path

from . import member_views as views

ENTRY = r"^corporate-members/(?P<id>(?:admin|invitation)-[0-9]+)/"

site_urlpatterns = [
    path(
        "corporate-members/",
        views.CorporateMemberListView.as_view(),
        name="corporate-members",
    ),
    path("corporate-members/me/", views.ManagerMeView.as_view(), name="corporate-members-me"),
    path(
        "corporate-members/transfer-master/",
        views.MasterTransferView.as_view(),
        name="corporate-members-transfer-master",
    ),
    re_path(
        ENTRY + r"$", views.CorporateMemberDetailView.as_view(), name="corporate-member-detail"
    ),
    re_path(
        ENTRY + r"resend-invitation/$",
        views.InvitationResendView.as_view(),
        name="corporate-member-resend-invitation",
    ),
    re_path(
        ENTRY + r"reset-password/$",
        views.AdminPasswordResetView.as_view(),
        name="corporate-member-reset-password",
    ),
    # Before `invitations/<token>/`: "accept" is never a token (43 URL-safe characters).
    path(
        "invitations/accept/",
        views.InvitationAcceptByCompanyView.as_view(),
        name="invitation-accept-by-company",
    ),
    path(
        "invitations/<str:token>/", views.InvitationDetailView.as_view(), name="invitation-detail"
    ),
    path(
        "invitations/<str:token>/accept/",
        views.InvitationAcceptView.as_view(),
        name="invitation-accept",
    ),
]

urlpatterns = site_urlpatterns  # so `include("api.corporates.member_urls")` works
