from django.apps import AppConfig
from django.db.backends.signals import connection_created


class CommonConfig(AppConfig):
    name = "domain.common"
    label = "common"

    def ready(self) -> None:
        from .sqlite import sqlite_limits_apply

        connection_created.connect(sqlite_limits_apply, dispatch_uid="sqlite_limits_apply")
