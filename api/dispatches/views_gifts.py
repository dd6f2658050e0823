"""Gift outcomes: the gift app's signed callbacks and the company's reclaim (SPEC §7.4; manual
004 §3.3; README "Gift app callbacks")."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.response import Response

from api.idempotency import IdempotentMixin
from api.permissions import PUBLIC
from api.serializers import IdField
from domain.common.capabilities import Capability
from domain.common.errors import CommonErrorCode
from domain.dispatches.errors import DispatchErrorCode
from domain.dispatches.gift_app import gift_app_verify
from domain.dispatches.models import Recipient
from domain.dispatches.outcomes import gift_receive, gift_refuse, recipients_reclaim

from .base import NOT_FOUND_CODES, DispatchAPIView

SIGNATURE_HEADERS = [
    OpenApiParameter(
        "X-Gift-Timestamp",
        str,
        OpenApiParameter.HEADER,
        required=True,
        description="When the gift app signed the request: Unix seconds (e.g. `1767225600`). "
        "More than 5 minutes from the server's clock, either way: 401 `stale_signature`.",
    ),
    OpenApiParameter(
        "X-Gift-Signature",
        str,
        OpenApiParameter.HEADER,
        required=True,
        description="Lowercase hex HMAC-SHA256, keyed by the site's gift app secret, of "
        "`<X-Gift-Timestamp>\\n<METHOD>\\n<path>\\n<raw body>` (path as requested, without "
        "the query; the body may be empty). Wrong or missing: 401 `invalid_signature`; used "
        "before: 401 `replayed_signature` (sign every request afresh). README: gift app "
        "callbacks.",
    ),
]
SIGNATURE_CODES = [
    DispatchErrorCode.INVALID_SIGNATURE,
    DispatchErrorCode.STALE_SIGNATURE,
    DispatchErrorCode.REPLAYED_SIGNATURE,
]


class GiftOutcomeSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Recipient
        fields = ["status", "status_label", "amount", "outcome_at"]
        read_only_fields = fields


class GiftAppView(DispatchAPIView):
    """Called by the gift app's server, not by a member: no login, a signature instead."""

    authentication_classes = []  # a member's token means nothing here
    access = {"POST": PUBLIC}
    error_codes = {
        401: SIGNATURE_CODES,
        404: [DispatchErrorCode.GIFT_NOT_FOUND],
        409: [DispatchErrorCode.GIFT_ALREADY_DECIDED, DispatchErrorCode.GIFT_NOT_READY],
    }

    def post(self, request, site, code):
        with transaction.atomic():  # the signature is used only if the outcome is recorded
            gift_app_verify(
                site_slug=self.site.slug,
                timestamp=request.headers.get("X-Gift-Timestamp"),
                signature=request.headers.get("X-Gift-Signature"),
                method=request.method,
                path=request.path,
                body=request.body,
            )
            recipient = self.decide(code)
        return Response(GiftOutcomeSerializer(recipient).data)

    def decide(self, code: str) -> Recipient:
        raise NotImplementedError


def gift_app_schema(summary: str):
    """The schema of a callback: its summary, the signature headers, no request body."""
    return extend_schema_view(
        post=extend_schema(
            summary=summary,
            tags=["gift app"],
            request=None,
            parameters=SIGNATURE_HEADERS,
            responses={200: GiftOutcomeSerializer},
        )
    )


@gift_app_schema("A gift was received (gift app, signed)")
class GiftReceiveView(GiftAppView):
    """수령: the recipient registered the gift in the gift app (unreceived → received)."""

    def decide(self, code: str) -> Recipient:
        return gift_receive(site=self.site, code=code)


@gift_app_schema("A gift was refused (gift app, signed)")
class GiftRefuseView(GiftAppView):
    """고객거절: the recipient refused the gift (unreceived → refused); its amount returns to
    the purchase while the purchase is valid."""

    def decide(self, code: str) -> Recipient:
        return gift_refuse(site=self.site, code=code)


@extend_schema(tags=["dispatches"])
class DispatchReclaimView(IdempotentMixin, DispatchAPIView):
    """미수령건 회수 (manual 004 §3.3): all the selected unreceived gifts, or none (409
    `recipient_not_reclaimable` lists the ids that are not unreceived gifts of this dispatch)."""

    class ReclaimInputSerializer(serializers.Serializer):
        recipients = serializers.ListField(
            child=IdField(),
            allow_empty=False,
            help_text="Ids of the dispatch's unreceived recipients to reclaim (at most the "
            "site's `dispatch_max_recipients`).",
        )

        def validate_recipients(self, value: list[int]) -> list[int]:
            limit = self.context["site"].rules.dispatch_max_recipients
            if len(value) > limit:
                raise serializers.ValidationError(
                    _("A dispatch can have at most %(limit)s recipients.") % {"limit": limit},
                    code=CommonErrorCode.MAX_LENGTH,
                )
            return value

    class ReclaimResultSerializer(serializers.Serializer):
        dispatch = serializers.IntegerField()
        recipients = serializers.ListField(child=serializers.IntegerField())
        count = serializers.IntegerField()
        amount = serializers.IntegerField(help_text="Won of the gifts reclaimed.")
        returned = serializers.IntegerField(
            help_text="Won given back to the purchase: `amount`, or 0 once it has expired."
        )

    access = {"POST": Capability.DISPATCHES_MANAGE}
    error_codes = {
        400: [CommonErrorCode.MAX_LENGTH],
        **NOT_FOUND_CODES,
        409: [DispatchErrorCode.RECIPIENT_NOT_RECLAIMABLE],
    }
    serializer_class = ReclaimInputSerializer

    @extend_schema(
        summary="Reclaim unreceived gifts",
        request=ReclaimInputSerializer,
        responses={200: ReclaimResultSerializer},
    )
    def post(self, request, site, id):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        reclaim = recipients_reclaim(
            dispatches=self.dispatch_scope(),
            dispatch_id=id,
            recipient_ids=serializer.validated_data["recipients"],
            actor=request.user,
        )
        return Response(
            self.ReclaimResultSerializer(
                {
                    "dispatch": reclaim.dispatch.pk,
                    "recipients": reclaim.recipients,
                    "count": reclaim.count,
                    "amount": reclaim.amount,
                    "returned": reclaim.returned,
                }
            ).data
        )
