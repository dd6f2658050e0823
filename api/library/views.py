from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response

from api.base import SiteAPIView
from domain.capabilities import Capability
from domain.library.selectors import library_state
from domain.library.upgrades import (
    ChildClaim,
    children_of_latest_check,
    full_member_apply,
    member_for_upgrade,
    multi_child_children_apply,
    multi_child_self_apply,
)

from .serializers import (
    ChildBirthDateSerializer,
    LibraryStateSerializer,
    UpgradeRequestSerializer,
    UpgradeResultSerializer,
)

REFUSALS = [
    "consent_required",
    "invalid_rrn_back",
    "invalid_loan_pin",
    "pin_mismatch",
    "already_full_member",
    "full_member_required",
    "not_gyeonggi_resident",
    "foreign_registration_unsupported",
    "not_yongin_resident",
    "too_few_children",
    "youngest_over_18",
    "child_not_full_member",
    "child_mismatch",
    "eligibility_check_required",
    "required",
]


class LibraryUpgradeBase(SiteAPIView):
    feature = "library_upgrades"


@extend_schema(tags=["library"])
class LibraryUpgradeView(LibraryUpgradeBase):
    """Online full membership and the multi-child family conversion (SPEC §6; manual 003).

    `full_member`: consent + RRN back 7 digits + loan PIN twice → a Gyeonggi-do resident
    becomes a full member with a card number. `multi_child_self`: a full member in Yongin-si
    with ≥ 2 children, the youngest ≤ 18 → loan limit 10 until 31 December of the year the
    youngest turns 18. `multi_child_children`: after that check, the children to convert. The
    RRN digits are used for the one check and never stored, logged or echoed. 3 checks a day.
    """

    access = {"GET": Capability.LIBRARY_UPGRADE, "POST": Capability.LIBRARY_UPGRADE}
    serializer_class = UpgradeRequestSerializer
    error_codes = {
        "get": {404: ["member_not_found", "feature_not_available"]},
        "post": {
            400: REFUSALS,
            404: ["member_not_found", "feature_not_available"],
            429: ["eligibility_check_limit"],
            503: ["eligibility_unavailable", "provider_not_configured"],
        },
    }

    @extend_schema(
        summary="My (or my child's) membership level and loan limit",
        parameters=[
            OpenApiParameter("member_id", int, required=False, description="A guardian's child.")
        ],
        responses={200: LibraryStateSerializer},
    )
    def get(self, request, site):
        raw = request.query_params.get("member_id")
        member_id = int(raw) if raw and raw.isdigit() else None
        member = member_for_upgrade(viewer=request.user, member_id=member_id)
        return Response(LibraryStateSerializer(library_state(member)).data)

    @extend_schema(summary="Apply for an upgrade", responses={200: UpgradeResultSerializer})
    def post(self, request, site):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        member = member_for_upgrade(viewer=request.user, member_id=data.get("member_id"))
        kind = data["type"]
        converted = []
        if kind == "full_member":
            full_member_apply(
                member=member,
                actor=request.user,
                consent=data["consent"],
                rrn_back=data.get("rrn_back", ""),
                loan_pin=data.get("loan_pin", ""),
                loan_pin_confirm=data.get("loan_pin_confirm", ""),
                context=self.context,
            )
        elif kind == "multi_child_self":
            multi_child_self_apply(
                member=member,
                actor=request.user,
                consent=data["consent"],
                rrn_back=data.get("rrn_back", ""),
                context=self.context,
            )
        else:
            grants = multi_child_children_apply(
                member=member,
                actor=request.user,
                context=self.context,
                children=[ChildClaim(**child) for child in data.get("children", [])],
            )
            converted = [
                {
                    "member_id": g.member_id,
                    "username": g.member.username,
                    "loan_limit": g.limit,
                    "valid_until": g.valid_until,
                }
                for g in grants
            ]
        body = {**library_state(member), "type": kind, "converted_children": converted}
        return Response(UpgradeResultSerializer(body).data, status=status.HTTP_200_OK)


@extend_schema(tags=["library"])
class LibraryChildrenView(LibraryUpgradeBase):
    """After a passed multi-child check: the children's birth dates to fill in (manual 003)."""

    access = {"GET": Capability.LIBRARY_UPGRADE}
    serializer_class = ChildBirthDateSerializer
    pagination_class = None
    filter_backends: list = []
    error_codes = {400: ["eligibility_check_required"], 404: ["feature_not_available"]}

    @extend_schema(
        summary="Children found by the last multi-child check",
        responses={200: ChildBirthDateSerializer(many=True)},
    )
    def get(self, request, site):
        dates = children_of_latest_check(member=request.user)
        return Response(
            ChildBirthDateSerializer([{"birth_date": d} for d in dates], many=True).data
        )
