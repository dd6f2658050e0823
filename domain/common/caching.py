"""Answers kept across requests while a tag read with each request still matches.

Used where a read runs on every request and the answer rarely changes. The tag is a value the
request loads anyway — the member's or the site's
`updated_at`, which the authentication reads afresh — and which every change to what the
answer depends on bumps. Nothing is ever deleted to invalidate: a server process whose own
cache (LocMemCache) still holds an old answer sees another tag on its next request and
recomputes, so the rule holds across processes without a shared cache. `until` ends an answer
that depends on the clock (a document taking effect later); `seconds` bounds how long an answer
can outlive a change made around the ORM (raw SQL, a data migration).
"""

from datetime import datetime
from typing import Any

from django.core.cache import cache
from django.utils import timezone

MISSING = object()


def tagged_get(key: str, tag: Any) -> Any:
    """The value kept under `key` for `tag`, or MISSING (absent, another tag, or past its
    `until`)."""
    kept = cache.get(key)
    if kept is None:
        return MISSING
    kept_tag, until, value = kept
    if kept_tag != tag or (until is not None and timezone.now() >= until):
        return MISSING
    return value


def tagged_set(
    key: str, tag: Any, value: Any, *, seconds: int, until: datetime | None = None
) -> None:
    cache.set(key, (tag, until, value), seconds)
