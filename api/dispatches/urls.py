"""Dispatches of onnuri-biz corporates (relative to `sites/<slug:site>/`; SPEC §7.4, §11)."""

from django.urls import path

from . import views, views_create, views_gifts, views_uploads

urlpatterns = [
    # GET: the history (views.DispatchListView); POST: create (views_create).
    path("dispatches/", views_create.DispatchListCreateView.as_view(), name="dispatches"),
    path(
        "dispatches/test-send/",
        views_create.DispatchTestSendView.as_view(),
        name="dispatch-test-send",
    ),
    # The recipients' Excel template and upload.
    path(
        "dispatches/template/",
        views_uploads.RecipientsTemplateView.as_view(),
        name="dispatches-template",
    ),
    path(
        "dispatches/recipients/upload/",
        views_uploads.RecipientUploadView.as_view(),
        name="dispatches-recipients-upload",
    ),
    # History, detail, dashboard, export and changes.
    path("dispatches/summary/", views.DispatchSummaryView.as_view(), name="dispatch-summary"),
    path("dispatches/export/", views.DispatchExportView.as_view(), name="dispatch-export"),
    path("dispatches/<int:id>/", views.DispatchDetailView.as_view(), name="dispatch-detail"),
    path(
        "dispatches/<int:id>/recipients/",
        views.RecipientListView.as_view(),
        name="dispatch-recipients",
    ),
    path(
        "dispatches/<int:id>/recipients/remove/",
        views.RecipientRemoveView.as_view(),
        name="dispatch-recipients-remove",
    ),
    path("dispatches/<int:id>/cancel/", views.DispatchCancelView.as_view(), name="dispatch-cancel"),
    # Gift outcomes: the gift app's signed callbacks and the reclaim.
    path("gifts/<str:code>/receive/", views_gifts.GiftReceiveView.as_view(), name="gift-receive"),
    path("gifts/<str:code>/refuse/", views_gifts.GiftRefuseView.as_view(), name="gift-refuse"),
    path(
        "dispatches/<int:id>/reclaim/",
        views_gifts.DispatchReclaimView.as_view(),
        name="dispatch-reclaim",
    ),
]
