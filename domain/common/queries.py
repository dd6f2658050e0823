"""Reads that run on every request, compiled to SQL once per process.

Django builds and compiles a queryset's SQL each time it is evaluated. For a small joined read
that costs a few times the database round trip, and on `members/me/` it was most of the work
the view adds to authentication. `CompiledRead` builds its queryset once per database with a
marker in place of its one parameter and keeps the SQL and the column converters; each call
runs that SQL with the real value through Django's cursor (so it is logged and counted like any
query) and converts the columns as the ORM would.
"""

from collections.abc import Callable
from threading import Lock
from typing import Any

from django.db import connections
from django.db.models import QuerySet

# An integer no primary key takes; it must be passed to exactly one lookup of the queryset.
MARKER = -(2**62) + 20_260_108


class CompiledRead:
    """`build(value)` returns a `values_list()` queryset filtered on `value` (an integer)."""

    def __init__(self, build: Callable[[int], QuerySet]):
        self._build = build
        self._compiled: dict[tuple[str, str], tuple[str, list, int, dict]] = {}
        self._lock = Lock()

    def _compile(self, using: str, vendor: str) -> tuple[str, list, int, dict]:
        with self._lock:
            compiled = self._compiled.get((using, vendor))
            if compiled is None:
                compiler = self._build(MARKER).query.get_compiler(using=using)
                sql, params = compiler.as_sql()
                params = list(params)
                if params.count(MARKER) != 1:
                    raise ValueError("The queryset must use the value exactly once.")
                converters = compiler.get_converters([column for column, _, _ in compiler.select])
                compiled = (sql, params, params.index(MARKER), converters)
                self._compiled[(using, vendor)] = compiled
        return compiled

    def __call__(self, value: int, *, using: str = "default") -> list[tuple[Any, ...]]:
        connection = connections[using]
        compiled = self._compiled.get((using, connection.vendor))
        sql, params, position, converters = compiled or self._compile(using, connection.vendor)
        params = [*params[:position], value, *params[position + 1 :]]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if not converters:
            return rows
        converted = []
        for row in rows:
            row = list(row)
            for index, (functions, expression) in converters.items():
                for function in functions:
                    row[index] = function(row[index], expression, connection)
            converted.append(tuple(row))
        return converted
