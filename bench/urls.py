"""The API's URLs plus the baselines to compare against; mounted only by bench/settings.py."""

from django.urls import path
from rest_framework import generics, pagination, serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.views import TokenObtainPairView

from api.authentication import SiteJWTAuthentication
from backend.urls import urlpatterns as api_urlpatterns
from domain.dispatches.models import Dispatch
from domain.purchases.models import Purchase


class BareView(APIView):
    """The floor of an authenticated read: the same JWT authentication, a tiny JSON body."""

    authentication_classes = [SiteJWTAuthentication]
    permission_classes = [IsAuthenticated]

    def get(self, request, site):
        return Response({"id": request.user.pk})


class BareListView(generics.ListAPIView):
    """The same page of rows the stock DRF way: a generic list view, a ModelSerializer of every
    column, DRF's own page-number pagination (PAGE_SIZE), the same JWT authentication, and the
    caller's company joined into the query; no roles, masking, labels, filters or counts."""

    authentication_classes = [SiteJWTAuthentication]
    permission_classes = [IsAuthenticated]
    pagination_class = pagination.PageNumberPagination

    def get_queryset(self):
        model = self.serializer_class.Meta.model
        return model.objects.filter(corporate__managers__member=self.request.user).order_by(
            "-created_at", "-id"
        )


class BarePurchaseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Purchase
        fields = "__all__"


class BareDispatchSerializer(serializers.ModelSerializer):
    class Meta:
        model = Dispatch
        fields = "__all__"


urlpatterns = [
    path("bench/sites/<slug:site>/bare/", BareView.as_view(), name="bench-bare"),
    path(
        "bench/sites/<slug:site>/purchases/",
        BareListView.as_view(serializer_class=BarePurchaseSerializer),
        name="bench-bare-purchases",
    ),
    path(
        "bench/sites/<slug:site>/dispatches/",
        BareListView.as_view(serializer_class=BareDispatchSerializer),
        name="bench-bare-dispatches",
    ),
    # simplejwt's stock login, as its documentation mounts it (bench/settings.py lets Django's
    # ModelBackend authenticate for it).
    path("bench/token/", TokenObtainPairView.as_view(), name="bench-stock-token"),
    *api_urlpatterns,
]
