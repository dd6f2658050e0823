"""Dispatches of onnuri-biz corporates (relative to `sites/<slug:site>/`; SPEC §7.4, §11)."""

from django.urls import path

from . import views

urlpatterns = [
    path("dispatches/", views.DispatchListView.as_view(), name="dispatches"),
]

# Gift outcomes (issue 11 points 6, 7): the gift app's signed callbacks and the company's reclaim.
from . import views_gifts  # noqa: E402

urlpatterns += [
    path("gifts/<str:code>/receive/", views_gifts.GiftReceiveView.as_view(), name="gift-receive"),
    path("gifts/<str:code>/refuse/", views_gifts.GiftRefuseView.as_view(), name="gift-refuse"),
    path(
        "dispatches/<int:id>/reclaim/",
        views_gifts.DispatchReclaimView.as_view(),
        name="dispatch-reclaim",
    ),
]
