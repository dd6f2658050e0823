from drf_spectacular.utils import extend_schema
from rest_framework import generics

from domain.sites.errors import SiteErrorCode
from domain.sites.selectors import site_get, site_list

from .serializers import SiteSerializer


@extend_schema(tags=["sites"], summary="List the sites and their public policies")
class SiteListView(generics.ListAPIView):
    serializer_class = SiteSerializer
    pagination_class = None
    authentication_classes: list = []

    def get_queryset(self):
        return site_list()


@extend_schema(tags=["sites"], summary="One site's public policy (forms are rendered from it)")
class SiteDetailView(generics.RetrieveAPIView):
    serializer_class = SiteSerializer
    authentication_classes: list = []
    error_codes = {404: [SiteErrorCode.SITE_NOT_FOUND]}

    def get_object(self):
        return site_get(slug=self.kwargs["site"])
