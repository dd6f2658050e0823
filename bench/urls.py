"""The API's URLs plus bare views to compare against; mounted only by bench/settings.py."""

import datetime as dt

from django.urls import path
from django.utils import timezone
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from api.authentication import SiteJWTAuthentication
from backend.urls import urlpatterns as api_urlpatterns
from domain.corporates.models import CorporateManager
from domain.purchases.models import Purchase

# Bare purchase rows are dated long ago, out of every month's limits the real requests sum up.
BARE_PURCHASE_TIME = dt.datetime(2000, 1, 3, tzinfo=dt.UTC)


class BareView(APIView):
    """The floor of an authenticated read: the same JWT authentication, a tiny JSON body."""

    authentication_classes = [SiteJWTAuthentication]
    permission_classes = [IsAuthenticated]

    def get(self, request, site):
        return Response({"id": request.user.pk})


class BarePurchaseView(APIView):
    """The floor of a purchase request: the same JWT authentication, the caller's company looked
    up, one purchase row written as it comes (no lock, limits, deadline, event, idempotency
    record or serializer), a tiny JSON body."""

    authentication_classes = [SiteJWTAuthentication]
    permission_classes = [IsAuthenticated]

    def post(self, request, site):
        amount = int(request.data["amount"])
        manager = CorporateManager.objects.only("corporate_id").get(member=request.user)
        purchase = Purchase.objects.create(
            corporate_id=manager.corporate_id,
            requested_by=request.user,
            amount=amount,
            discount_rate=0,
            discount_amount=0,
            deposit_amount=amount,
            depositor_bank_code="089",
            depositor_account_masked="700100********",
            depositor_holder="bench",
            deposit_deadline=timezone.now(),
            created_at=BARE_PURCHASE_TIME,
        )
        return Response({"id": purchase.pk}, status=201)


urlpatterns = [
    path("bench/sites/<slug:site>/bare/", BareView.as_view(), name="bench-bare"),
    path(
        "bench/sites/<slug:site>/bare-purchases/",
        BarePurchaseView.as_view(),
        name="bench-bare-purchases",
    ),
    *api_urlpatterns,
]
