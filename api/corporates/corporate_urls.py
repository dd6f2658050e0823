"""Corporate sign-up and review; included by api/urls.py under `sites/<slug:site>/`."""

from django.urls import path

from . import corporate_views as views

site_urlpatterns = [
    path("corporates/", views.CorporateListView.as_view(), name="corporates"),
    path("corporates/mine/", views.CorporateMineView.as_view(), name="corporate-mine"),
    path("corporates/<int:id>/", views.CorporateDetailView.as_view(), name="corporate-detail"),
    path(
        "corporates/<int:id>/approve/",
        views.CorporateApproveView.as_view(),
        name="corporate-approve",
    ),
    path(
        "corporates/<int:id>/reject/",
        views.CorporateRejectView.as_view(),
        name="corporate-reject",
    ),
    path(
        "corporates/<int:id>/documents/<str:kind>/",
        views.CorporateDocumentView.as_view(),
        name="corporate-document",
    ),
]

urlpatterns = site_urlpatterns  # so api/urls.py can include this module by its dotted path
