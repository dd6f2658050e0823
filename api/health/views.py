from django.db import connection
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from api.base import PlatformAPIView
from api.permissions import PUBLIC
from domain.common.health import broker_ok


@extend_schema(
    tags=["health"],
    summary="Liveness and readiness (database, job broker)",
    responses={
        200: inline_serializer(
            "Health",
            {
                "status": serializers.CharField(help_text="`ok` or `degraded`"),
                "database": serializers.BooleanField(),
                "broker": serializers.BooleanField(),
            },
        ),
        503: inline_serializer(
            "HealthDegraded",
            {
                "status": serializers.CharField(),
                "database": serializers.BooleanField(),
                "broker": serializers.BooleanField(),
            },
        ),
    },
)
class HealthView(PlatformAPIView):
    """200 when the database and the job broker answer, else 503 (for load balancers)."""

    access = {"GET": PUBLIC}
    authentication_classes: list = []

    def get(self, request):
        database = _database_ok()
        broker = broker_ok()
        healthy = database and broker
        return Response(
            {"status": "ok" if healthy else "degraded", "database": database, "broker": broker},
            status=200 if healthy else 503,
        )


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone()[0] == 1
    except Exception:  # noqa: BLE001  (any failure means not ready)
        return False
