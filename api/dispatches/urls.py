"""Dispatches of onnuri-biz corporates (relative to `sites/<slug:site>/`; SPEC §7.4, §11)."""

from django.urls import path

from . import views, views_uploads

urlpatterns = [
    path("dispatches/", views.DispatchListView.as_view(), name="dispatches"),
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
]
