"""Dispatches of onnuri-biz corporates (relative to `sites/<slug:site>/`; SPEC §7.4, §11)."""

from django.urls import path

from . import views_create

urlpatterns = [
    # GET: the list (views.DispatchListView); POST: create (views_create).
    path("dispatches/", views_create.DispatchListCreateView.as_view(), name="dispatches"),
    path(
        "dispatches/test-send/",
        views_create.DispatchTestSendView.as_view(),
        name="dispatch-test-send",
    ),
]
