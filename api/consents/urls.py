"""Included by api/urls.py under `sites/<slug:site>/`."""

from django.urls import path

from . import views

site_urlpatterns = [
    path(
        "consent-documents/",
        views.ConsentDocumentListView.as_view(),
        name="consent-documents",
    ),
    path(
        "members/me/consents/",
        views.MemberConsentsView.as_view(),
        name="members-me-consents",
    ),
]
