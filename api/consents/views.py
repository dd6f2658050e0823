"""Consent documents and a member's own consents (SPEC §3, §11)."""

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from api.base import SiteAPIView
from api.permissions import PUBLIC
from domain.common.capabilities import Capability
from domain.common.errors import CommonErrorCode
from domain.consents.errors import ConsentErrorCode
from domain.consents.selectors import consent_documents_current, member_consent_state
from domain.consents.services import consents_agree
from domain.members.errors import MemberErrorCode
from domain.sites.errors import SiteErrorCode

from .serializers import (
    ConsentAgreementsSerializer,
    ConsentDocumentQuerySerializer,
    ConsentDocumentSerializer,
    ConsentStateSerializer,
)

AGREEMENT_CODES = [
    ConsentErrorCode.UNKNOWN_CONSENT_DOCUMENT,
    ConsentErrorCode.DUPLICATE_CONSENT_DOCUMENT,
    ConsentErrorCode.CONSENT_VERSION_OUTDATED,
    ConsentErrorCode.CONSENT_NOT_WITHDRAWABLE,
]
PASSWORD_CHANGE_CODES = {403: [MemberErrorCode.PASSWORD_CHANGE_REQUIRED]}
# The member's kind is no longer in the site's policy (staff edited it; SPEC §2).
KIND_CODES = [SiteErrorCode.UNKNOWN_MEMBER_KIND]


class ConsentDocumentListView(SiteAPIView):
    """The current consent documents a member kind is asked to answer (not paginated)."""

    access = {"GET": PUBLIC}
    authentication_classes: list = []
    serializer_class = ConsentDocumentSerializer
    pagination_class = None
    filter_backends: list = []
    error_codes = {
        400: [SiteErrorCode.UNKNOWN_MEMBER_KIND, CommonErrorCode.INVALID_CHOICE],
        404: [SiteErrorCode.SITE_NOT_FOUND],
    }

    @extend_schema(
        tags=["consents"],
        summary="Current consent documents for a member kind",
        parameters=[ConsentDocumentQuerySerializer],
        responses=ConsentDocumentSerializer(many=True),
    )
    def get(self, request, site):
        query = ConsentDocumentQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        documents = consent_documents_current(site=self.site, **query.validated_data)
        return Response(ConsentDocumentSerializer(documents, many=True).data)


class MemberConsentsView(SiteAPIView):
    """The member's answer to each current document; agree to new versions, withdraw optional
    ones. Reachable while a re-consent is pending (it is how the member clears it). Operators
    answer no document: their list is empty."""

    access = {"GET": Capability.PROFILE, "POST": Capability.PROFILE}
    serializer_class = ConsentStateSerializer
    pagination_class = None
    filter_backends: list = []
    required_action_exempt = True
    error_codes = {
        "get": {400: KIND_CODES, **PASSWORD_CHANGE_CODES},
        "post": {400: [*AGREEMENT_CODES, *KIND_CODES], **PASSWORD_CHANGE_CODES},
    }

    @extend_schema(
        tags=["consents"],
        summary="My consents",
        responses=ConsentStateSerializer(many=True),
    )
    def get(self, request, site):
        state = member_consent_state(member=request.user)
        return Response(ConsentStateSerializer(state, many=True).data)

    @extend_schema(
        tags=["consents"],
        summary="Agree to current versions or withdraw optional consents",
        request=ConsentAgreementsSerializer,
        responses=ConsentStateSerializer(many=True),
    )
    def post(self, request, site):
        body = ConsentAgreementsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        consents_agree(
            member=request.user,
            agreements=body.validated_data["agreements"],
            context=self.context,
        )
        state = member_consent_state(member=request.user)
        return Response(ConsentStateSerializer(state, many=True).data)
