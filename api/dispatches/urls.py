"""Dispatches of onnuri-biz corporates (relative to `sites/<slug:site>/`; SPEC §7.4, §11)."""

from django.urls import path

from . import views

urlpatterns = [
    path("dispatches/", views.DispatchListView.as_view(), name="dispatches"),
    # History, detail, dashboard, export and changes (issue 11 points 7, 8).
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
]
