"""Dispatches of onnuri-biz corporates (relative to `sites/<slug:site>/`; SPEC §7.4, §11)."""

from django.urls import path

from . import views

urlpatterns = [
    path("dispatches/", views.DispatchListView.as_view(), name="dispatches"),
]
