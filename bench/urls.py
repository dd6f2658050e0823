"""The API's URLs plus a bare view to compare against; mounted only by bench/settings.py."""

from django.urls import path
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from api.authentication import SiteJWTAuthentication
from backend.urls import urlpatterns as api_urlpatterns


class BareView(APIView):
    """The floor of an authenticated read: the same JWT authentication, a tiny JSON body."""

    authentication_classes = [SiteJWTAuthentication]
    permission_classes = [IsAuthenticated]

    def get(self, request, site):
        return Response({"id": request.user.pk})


urlpatterns = [
    path("bench/sites/<slug:site>/bare/", BareView.as_view(), name="bench-bare"),
    *api_urlpatterns,
]
