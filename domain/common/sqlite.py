"""SQLite's real limit on query parameters, told to Django, so bulk inserts take few statements.

Django 5.2 assumes SQLite's pre-3.32 limit of 999 parameters a statement
(`DatabaseFeatures.max_query_params`), so `bulk_create` of a 17-column model inserts 58 rows a
statement: 10,000 recipients would be 173 INSERTs. The library reports its real limit
(`SQLITE_LIMIT_VARIABLE_NUMBER`: 32,766 by default since 3.32, 250,000 in Debian's build); each
new connection's features take it, so a bulk insert is one statement when it fits.
"""

import sqlite3


def sqlite_limits_apply(sender, connection, **kwargs) -> None:
    """`connection_created` receiver: the connection's own parameter limit, on SQLite."""
    if connection.vendor != "sqlite":
        return
    limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    connection.features.max_query_params = max(limit, 999)
