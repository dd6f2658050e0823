from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from api.base import SiteAPIView
from api.filters import query_filters
from domain.common.capabilities import Capability
from domain.common.errors import CommonErrorCode
from domain.consents.errors import ConsentErrorCode
from domain.library.errors import LibraryErrorCode
from domain.library.selectors import library_state
from domain.library.upgrades import (
    ChildClaim,
    children_of_latest_check,
    full_member_apply,
    member_for_upgrade,
    multi_child_children_apply,
    multi_child_self_apply,
)
from domain.members.errors import MemberErrorCode
from domain.sites.errors import SiteErrorCode

from .serializers import (
    ChildBirthDateSerializer,
    LibraryStateQuerySerializer,
    LibraryStateSerializer,
    UpgradeRequestSerializer,
    UpgradeResultSerializer,
)

REFUSALS = [
    ConsentErrorCode.CONSENT_REQUIRED,
    LibraryErrorCode.INVALID_RRN_BACK,
    LibraryErrorCode.INVALID_LOAN_PIN,
    LibraryErrorCode.PIN_MISMATCH,
    LibraryErrorCode.ALREADY_FULL_MEMBER,
    LibraryErrorCode.FULL_MEMBER_REQUIRED,
    LibraryErrorCode.NOT_GYEONGGI_RESIDENT,
    LibraryErrorCode.FOREIGN_REGISTRATION_UNSUPPORTED,
    LibraryErrorCode.NOT_YONGIN_RESIDENT,
    LibraryErrorCode.TOO_FEW_CHILDREN,
    LibraryErrorCode.YOUNGEST_OVER_18,
    LibraryErrorCode.CHILD_NOT_FULL_MEMBER,
    LibraryErrorCode.CHILD_MISMATCH,
    LibraryErrorCode.ELIGIBILITY_CHECK_REQUIRED,
    CommonErrorCode.REQUIRED,
    SiteErrorCode.UNKNOWN_MEMBER_KIND,  # the consent documents of a kind the policy dropped
]
NOT_FOUND_CODES = [MemberErrorCode.MEMBER_NOT_FOUND, CommonErrorCode.FEATURE_NOT_AVAILABLE]


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
        "get": {404: NOT_FOUND_CODES},
        "post": {
            400: REFUSALS,
            404: NOT_FOUND_CODES,
            429: [LibraryErrorCode.ELIGIBILITY_CHECK_LIMIT],
            503: [
                LibraryErrorCode.ELIGIBILITY_UNAVAILABLE,
                CommonErrorCode.PROVIDER_NOT_CONFIGURED,
            ],
        },
    }

    @extend_schema(
        summary="My (or my child's) membership level and loan limit",
        parameters=[LibraryStateQuerySerializer],
        responses={200: LibraryStateSerializer},
    )
    def get(self, request, site):
        member_id = query_filters(LibraryStateQuerySerializer, request.query_params).get(
            "member_id"
        )
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
    error_codes = {
        400: [LibraryErrorCode.ELIGIBILITY_CHECK_REQUIRED],
        404: [CommonErrorCode.FEATURE_NOT_AVAILABLE],
    }

    @extend_schema(
        summary="Children found by the last multi-child check",
        responses={200: ChildBirthDateSerializer(many=True)},
    )
    def get(self, request, site):
        dates = children_of_latest_check(member=request.user)
        return Response(
            ChildBirthDateSerializer([{"birth_date": d} for d in dates], many=True).data
        )
