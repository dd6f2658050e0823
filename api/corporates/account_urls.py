"""Bank accounts of onnuri-biz corporates (relative to `sites/<slug:site>/`; SPEC §11)."""

from django.urls import path

from . import account_views as views

site_urlpatterns = [
    path("accounts/", views.BankAccountListView.as_view(), name="bank-accounts"),
    path("accounts/<int:id>/", views.BankAccountDetailView.as_view(), name="bank-account-detail"),
    path(
        "accounts/<int:id>/approve/",
        views.BankAccountApproveView.as_view(),
        name="bank-account-approve",
    ),
    path(
        "accounts/<int:id>/reject/",
        views.BankAccountRejectView.as_view(),
        name="bank-account-reject",
    ),
    path(
        "accounts/<int:id>/bankbook/",
        views.BankAccountBankbookView.as_view(),
        name="bank-account-bankbook",
    ),
]

urlpatterns = site_urlpatterns  # so `include("api.corporates.account_urls")` works
