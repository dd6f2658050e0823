from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework.response import Response

from api.base import PlatformAPIView, SiteAPIView
from api.permissions import PUBLIC
from domain.sites.errors import SiteErrorCode
from domain.sites.selectors import site_list

from .serializers import ApiRootSerializer, SiteSerializer

ROOT_LINKS = ("schema", "docs", "redoc", "health")


@extend_schema(tags=["sites"], summary="API root: the sites and the documentation")
class ApiRootView(PlatformAPIView):
    """`GET /api/v1/`: the sites (each with its URL) and the schema, docs and health links, so
    a browser or a new client starts here (SPEC §11)."""

    access = {"GET": PUBLIC}
    serializer_class = ApiRootSerializer
    authentication_classes: list = []

    def get(self, request):
        def url(name: str, **kwargs) -> str:
            return request.build_absolute_uri(reverse(name, kwargs=kwargs))

        root = {
            "sites": [
                {
                    "slug": site.slug,
                    "name": site.name,
                    "name_en": site.name_en,
                    "url": url("site-detail", site=site.slug),
                }
                for site in site_list()
            ],
            **{name: url(name) for name in ROOT_LINKS},
        }
        return Response(ApiRootSerializer(root).data)


@extend_schema(tags=["sites"], summary="List the sites and their public policies")
class SiteListView(mixins.ListModelMixin, PlatformAPIView):
    """Every active site with the policy its forms are rendered from (SPEC §2)."""

    access = {"GET": PUBLIC}
    serializer_class = SiteSerializer
    pagination_class = None
    authentication_classes: list = []

    def get_queryset(self):
        return site_list()

    def get(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)


@extend_schema(tags=["sites"], summary="One site's public policy (forms are rendered from it)")
class SiteDetailView(mixins.RetrieveModelMixin, SiteAPIView):
    access = {"GET": PUBLIC}
    serializer_class = SiteSerializer
    authentication_classes: list = []
    error_codes = {404: [SiteErrorCode.SITE_NOT_FOUND]}

    def get_object(self):
        return self.site

    def get(self, request, *args, **kwargs):
        return self.retrieve(request, *args, **kwargs)
