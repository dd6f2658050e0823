"""SQLite connections take the library's real parameter limit (domain.common.sqlite), so a
bulk insert of a dispatch's recipients is one statement where it fits."""

import sqlite3

import pytest
from django.db import connection

from domain.common.sqlite import sqlite_limits_apply


@pytest.mark.django_db
def test_the_connection_knows_its_real_limit():
    connection.ensure_connection()
    if connection.vendor != "sqlite":
        assert connection.features.max_query_params is None  # PostgreSQL: no cap to lift
        return
    real = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    assert connection.features.max_query_params == max(real, 999)


def test_other_databases_are_left_alone():
    class Other:
        vendor = "postgresql"
        features = type("Features", (), {"max_query_params": None})()

    sqlite_limits_apply(sender=None, connection=Other)
    assert Other.features.max_query_params is None
