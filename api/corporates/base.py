"""Shared scoping for onnuri-biz endpoints (SPEC §8; STYLE: permissions declared, not coded).

A view declares `capability` (one string, or a dict per HTTP method / action); `self.manager`
is the caller's CorporateManager when its role grants it, else the request is a 404. Staff of
the site are let through views that set `staff_allowed = True` (or per method), and see every
corporate of their site. Querysets are always scoped through `corporate_scope()`.
"""

from functools import cached_property

from rest_framework import permissions

from api.base import SiteAPIView
from domain.common.errors import NotFound
from domain.corporates.models import Corporate, CorporateManager
from domain.corporates.roles import capability_require


def _for_method(value, request, view):
    if isinstance(value, dict):
        action = getattr(view, "action", None)
        return value.get(action, value.get(request.method.lower()))
    return value


class CorporateAccess(permissions.BasePermission):
    """Authenticated member of this site, then staff (if allowed) or a manager with the
    capability; anything else is a 404 so no one learns what exists elsewhere."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated and user.site_id == view.site.id):
            return False  # 401 for anonymous (authentication decides), 403 never reached
        if user.is_staff and _for_method(getattr(view, "staff_allowed", False), request, view):
            return True
        capability = _for_method(view.capability, request, view)
        if capability is None:
            raise NotFound()
        capability_require(member=user, capability=capability)
        return True


class CorporateAPIView(SiteAPIView):
    permission_classes = [CorporateAccess]
    capability: str | dict | None = None
    staff_allowed: bool | dict = False

    @cached_property
    def manager(self) -> CorporateManager | None:
        """The caller's manager row (None for staff)."""
        user = self.request.user
        if user.is_staff:
            return None
        return CorporateManager.objects.select_related("corporate").get(member=user)

    def corporate_scope(self):
        """Corporates the caller may see: all of the site (staff) or its own."""
        corporates = Corporate.objects.filter(site=self.site)
        if self.manager is None:
            return corporates
        return corporates.filter(pk=self.manager.corporate_id)
