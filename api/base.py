"""Base view pieces shared by every site-scoped endpoint (STYLE: permissions declared once)."""

from functools import cached_property

from rest_framework import generics

from api.context import request_context
from api.permissions import DeclaredAccessMixin
from domain.audit.services import RequestContext
from domain.members.required_actions import required_action_check
from domain.sites.models import Site
from domain.sites.selectors import site_get


class SiteScopedMixin:
    """Resolves `{site}` from the path once; an unknown or inactive site is a 404."""

    @cached_property
    def site(self) -> Site:
        # The authenticated member's site, loaded with the member, when it is the path's site.
        user = getattr(self.request, "_user", None)  # set once authentication has run
        site = user.site if getattr(user, "site_id", None) else None
        if site is not None and site.slug == self.kwargs["site"] and site.is_active:
            return site
        return site_get(slug=self.kwargs["site"])

    # Views that stay usable while a required action is pending (SPEC §3 re-consent, §5 forced
    # password change): set these class attributes to True.
    required_action_exempt = False
    password_change_exempt = False

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.site  # noqa: B018  (resolve early so an unknown site is a 404 before anything else)
        user = request.user
        if user and user.is_authenticated and getattr(user, "site_id", None) == self.site.id:
            required_action_check(
                member=user,
                consent_exempt=self.required_action_exempt,
                password_exempt=self.password_change_exempt,
            )

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "site": self.site}

    @property
    def context(self) -> RequestContext:
        return request_context(self.request)


class SiteAPIView(SiteScopedMixin, DeclaredAccessMixin, generics.GenericAPIView):
    pass


# An endpoint outside any site (the site list, health).
class PlatformAPIView(DeclaredAccessMixin, generics.GenericAPIView):
    pass
