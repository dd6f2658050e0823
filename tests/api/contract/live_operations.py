"""The API's operations as drf-spectacular walks them (the URL patterns × methods), each view set
up as for the schema: for tests that inspect live views — the codes they raise, the serializers
they read requests with. `api_views` walks the URL patterns themselves, every REST framework view
with the methods it handles."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.generators import EndpointEnumerator, SchemaGenerator
from drf_spectacular.settings import spectacular_settings
from rest_framework.views import APIView

from tests.codegraph import in_project


@contextmanager
def live_operations() -> Iterator[list[tuple[str, str, object]]]:
    """(path, method, view) of every operation of ours (not drf-spectacular's own schema and
    docs views). The generator stays referenced while the list is used: each view's schema is
    only weakly held by its view."""
    generator = SchemaGenerator()
    found = []
    for path, _regex, method, callback in EndpointEnumerator().get_api_endpoints():
        if not in_project(callback.cls):
            continue
        view = generator.create_view(callback, method)
        view.request = spectacular_settings.GET_MOCK_REQUEST(method, path, view, None)
        view.schema.method, view.schema.path = method, path
        found.append((path, method, view))
    try:
        yield found
    finally:
        del generator


IMPLICIT = {"options", "head"}


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


def api_views():
    found = []
    for route, callback in _walk(get_resolver().url_patterns):
        cls = getattr(callback, "cls", None)
        if cls is not None and issubclass(cls, APIView):
            found.append((route, cls))
    return found


def handled_methods(cls) -> list[str]:
    return [m for m in cls.http_method_names if m not in IMPLICIT and hasattr(cls, m)]
