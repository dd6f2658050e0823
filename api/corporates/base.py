"""Shared scoping for onnuri-biz endpoints (SPEC §7, §8; STYLE: permissions declared).

Who may call is declared per method in `access` like every view (api.permissions); here the
querysets are scoped: site staff see every corporate of their site, a manager only its own,
anyone else nothing. Every endpoint exists only on sites with the `corporates` feature.
"""

from functools import cached_property

from api.base import SiteAPIView
from domain.capabilities import member_can
from domain.common.capabilities import Capability
from domain.corporates.models import Corporate, CorporateManager
from domain.corporates.selectors import member_manager


class CorporateAPIView(SiteAPIView):
    feature = "corporates"

    @cached_property
    def manager(self) -> CorporateManager | None:
        """The caller's manager row (None for staff and anyone else)."""
        user = self.request.user
        if not user.is_authenticated:
            return None
        return member_manager(user)  # the row the permission check read

    def corporate_scope(self):
        """Corporates the caller may see: all of the site (staff), its own, or none."""
        corporates = Corporate.objects.filter(site=self.site)
        if self.manager is not None:
            return corporates.filter(pk=self.manager.corporate_id)
        if member_can(self.request.user, self.site, Capability.SITE_READ):
            return corporates
        return corporates.none()
