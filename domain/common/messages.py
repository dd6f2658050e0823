"""Texts sent to people — SMS, LMS subjects, e-mails — and how they are rendered.

Each area keeps its texts in one catalogue, `domain/<area>/messages.py`, keyed by purpose: a
`SentText` of gettext strings with English msgids and their Korean in
locale/ko/LC_MESSAGES/django.po (`make messages`). Whatever the language of the request that
caused it, a text is rendered in Korean (`SENT_LANGUAGE`): it goes to Korean mobiles and
mailboxes (SPEC §10, §13). Values are filled in with `%(name)s` placeholders after translation,
so a value is never looked up as a message.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import override

SENT_LANGUAGE = "ko"


@dataclass(frozen=True)
class Rendered:
    title: str  # the LMS subject, and the e-mail subject after the site's name
    body: str


@dataclass(frozen=True)
class SentText:
    body: Promise
    title: Promise | None = None

    def render(self, **values: object) -> Rendered:
        """The text in `SENT_LANGUAGE`, its placeholders filled with `values`."""
        with override(SENT_LANGUAGE):
            title = str(self.title) % values if self.title is not None else ""
            return Rendered(title=title, body=str(self.body) % values)
