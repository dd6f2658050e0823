"""Purchases of onnuri-biz corporates (relative to `sites/<slug:site>/`; SPEC §7.3, §11)."""

from django.urls import path

from . import deposit_views, views

urlpatterns = [
    path("purchases/", views.PurchaseListView.as_view(), name="purchases"),
    path("purchases/export/", views.PurchaseExportView.as_view(), name="purchase-export"),
    path("purchases/summary/", views.PurchaseSummaryView.as_view(), name="purchase-summary"),
    # Deposit matching (staff).
    path(
        "purchases/deposits/",
        deposit_views.DepositStatementListView.as_view(),
        name="purchase-deposit-statements",
    ),
    path(
        "purchases/deposits/template/",
        deposit_views.DepositTemplateView.as_view(),
        name="purchase-deposit-template",
    ),
    path(
        "purchases/deposits/confirm/",
        deposit_views.DepositConfirmView.as_view(),
        name="purchase-deposit-confirm",
    ),
    path(
        "purchases/deposits/<int:id>/",
        deposit_views.DepositStatementDetailView.as_view(),
        name="purchase-deposit-statement",
    ),
    path("purchases/<int:id>/", views.PurchaseDetailView.as_view(), name="purchase-detail"),
    path("purchases/<int:id>/cancel/", views.PurchaseCancelView.as_view(), name="purchase-cancel"),
    path(
        "purchases/<int:id>/approve/",
        views.PurchaseApproveView.as_view(),
        name="purchase-approve",
    ),
    path("purchases/<int:id>/refund/", views.PurchaseRefundView.as_view(), name="purchase-refund"),
    path(
        "purchases/<int:id>/documents-received/",
        views.PurchaseDocumentsReceivedView.as_view(),
        name="purchase-documents-received",
    ),
]
