"""Account recovery and the member's own password (relative to `sites/<slug:site>/`)."""

from django.urls import path

from . import account_views as views

site_urlpatterns = [
    path("members/find-id/", views.FindIdView.as_view(), name="members-find-id"),
    path(
        "members/reset-password/", views.ResetPasswordView.as_view(), name="members-reset-password"
    ),
    path("members/me/password/", views.PasswordChangeView.as_view(), name="members-me-password"),
]

urlpatterns = site_urlpatterns  # so `include("api.members.account_urls")` works
