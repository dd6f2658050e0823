from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from api.base import SiteAPIView
from api.permissions import IsSiteMember

from .serializers import MemberProfileSerializer


@extend_schema(tags=["members"])
class MeView(SiteAPIView):
    """The logged-in member's own profile (SPEC §5)."""

    permission_classes = [IsSiteMember]
    serializer_class = MemberProfileSerializer

    @extend_schema(summary="My profile")
    def get(self, request, site):
        return Response(self.get_serializer(request.user).data)
