"""Text that is kept must be writable wherever it goes (SPEC §11, §14): an Excel sheet (XML 1.0),
a PDF, a text message, a JSON answer, a PostgreSQL column (which holds no NUL).

What a kept text may not hold (`refused_character`):
- control characters: C0 (U+0000–U+001F, NUL included), DEL (U+007F) and C1 (U+0080–U+009F);
  a field of several lines (a message body, a reason) keeps tab, line feed and carriage return;
- unpaired surrogates (U+D800–U+DFFF: no UTF-8 encodes them);
- the non-characters U+FFFE and U+FFFF (no XML document holds them).

The edge refuses such text with `invalid_characters` naming the field: every text field of the
API (api.serializers.TextField) and the recipients' rows, uploaded or typed
(domain.dispatches.recipients). What was stored before, or around the API, is made writable on
the way out (`writable`: the Excel writer, domain.common.files; the PDF manual).
"""

from __future__ import annotations

import re

LINE_CHARACTERS = "\t\n\r"
_REFUSED = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_REFUSED_IN_LINES = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
REPLACEMENT = "\ufffd"


def refused_character(value: str, *, multiline: bool = False) -> str | None:
    """The first character of `value` a kept text may not hold (see the module), or None."""
    found = (_REFUSED_IN_LINES if multiline else _REFUSED).search(value)
    return found[0] if found else None


def writable(value: str) -> str:
    """`value` with each character no kept text may hold replaced by U+FFFD (tab and line
    breaks kept): what an export writes for text stored before the edge refused it."""
    return _REFUSED_IN_LINES.sub(REPLACEMENT, value)
