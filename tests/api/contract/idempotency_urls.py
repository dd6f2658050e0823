"""A test-only URLconf: one view that takes an Idempotency-Key (api.idempotency)."""

import uuid

from django.urls import path
from rest_framework.response import Response

from api.base import SiteAPIView
from api.idempotency import IdempotentMixin
from api.permissions import PUBLIC
from domain.common.errors import CommonErrorCode, DomainError
from domain.common.models import LimitBucket

SCOPE = "idempotency-test"


class EffectView(IdempotentMixin, SiteAPIView):
    """Each run that gets through creates one LimitBucket row: the effect the tests count."""

    access = {"POST": PUBLIC}

    def post(self, request, *args, **kwargs):
        bucket = LimitBucket.objects.create(scope=SCOPE, key_hash=uuid.uuid4().hex)
        outcome = request.data.get("outcome")
        if outcome == "refuse":
            raise DomainError(CommonErrorCode.INVALID, attr="outcome")
        if outcome == "fail":
            return Response({"bucket": bucket.id}, status=503)
        if outcome == "crash":
            raise RuntimeError("boom")
        return Response({"bucket": bucket.id, "amount": request.data.get("amount")}, status=201)


class RequiredKeyView(EffectView):
    idempotency_key_required = True


urlpatterns = [
    path("api/v1/sites/<slug:site>/effects/", EffectView.as_view()),
    path("api/v1/sites/<slug:site>/effects/required/", RequiredKeyView.as_view()),
]
