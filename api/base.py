"""Base view pieces shared by every site-scoped endpoint (STYLE: permissions declared once)."""

from functools import cached_property

from rest_framework import generics, viewsets

from domain.audit.services import RequestContext
from domain.sites.models import Site
from domain.sites.selectors import site_get


def request_context(request) -> RequestContext:
    return RequestContext(
        ip_address=request.META.get("REMOTE_ADDR"),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
    )


class SiteScopedMixin:
    """Resolves `{site}` from the path once; an unknown or inactive site is a 404."""

    @cached_property
    def site(self) -> Site:
        return site_get(slug=self.kwargs["site"])

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.site  # noqa: B018  (resolve early so an unknown site is a 404 before anything else)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "site": self.site}

    @property
    def context(self) -> RequestContext:
        return request_context(self.request)


class SiteAPIView(SiteScopedMixin, generics.GenericAPIView):
    pass


class SiteViewSet(SiteScopedMixin, viewsets.GenericViewSet):
    pass
