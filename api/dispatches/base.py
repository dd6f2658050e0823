"""Shared scoping for onnuri-biz dispatches (SPEC §7.4, §8): the company's master and general
admins see their own, site staff every company's of their site (read-only), anyone else
nothing (404, api.corporates.base)."""

from api.corporates.base import CorporateAPIView
from domain.common.capabilities import Capability
from domain.dispatches.errors import DispatchErrorCode
from domain.dispatches.models import Dispatch

VIEW = (Capability.DISPATCHES_VIEW, Capability.SITE_READ)
NOT_FOUND_CODES = {404: [DispatchErrorCode.DISPATCH_NOT_FOUND]}


class DispatchAPIView(CorporateAPIView):
    feature = "dispatches"

    def dispatch_scope(self):
        """Dispatches the caller may see."""
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request
            return Dispatch.objects.none()
        return Dispatch.objects.filter(corporate__in=self.corporate_scope())
