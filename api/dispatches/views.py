"""onnuri-biz dispatches (SPEC §7.4; manual 004 §3)."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins

from .base import VIEW, DispatchAPIView
from .serializers import DispatchSerializer


@extend_schema(tags=["dispatches"])
class DispatchListView(mixins.ListModelMixin, DispatchAPIView):
    """발송내역: the company's dispatches (staff: every company's of the site)."""

    access = {"GET": VIEW}
    error_codes = {"get": {}}
    serializer_class = DispatchSerializer

    def get_queryset(self):
        return self.dispatch_scope()

    @extend_schema(summary="Dispatch history")
    def get(self, request, site):
        return self.list(request)
