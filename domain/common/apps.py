from django.apps import AppConfig
from django.db.backends.signals import connection_created

from .sqlite import sqlite_limits_apply


class CommonConfig(AppConfig):
    name = "domain.common"
    label = "common"

    def ready(self) -> None:
        connection_created.connect(sqlite_limits_apply, dispatch_uid="sqlite_limits_apply")
