"""Texts sent to people come from one catalogue per area and go out in Korean, whatever the
language of the request that caused them (domain.common.messages)."""

import importlib
import re
import string
from pathlib import Path

import pytest
from django.utils import translation

from domain.common.messages import SentText

ROOT = Path(__file__).resolve().parents[3]
HANGUL = re.compile(r"[\uac00-\ud7a3]")
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def catalogues():
    for path in sorted((ROOT / "domain").glob("*/messages.py")):
        yield importlib.import_module(f"domain.{path.parent.name}.messages")


def sent_texts():
    for module in catalogues():
        for name, value in vars(module).items():
            if isinstance(value, SentText):
                yield f"{module.__name__}.{name}", value


def test_every_area_that_sends_has_its_catalogue():
    names = {module.__name__.split(".")[1] for module in catalogues()}
    assert {"members", "corporates", "purchases", "verifications", "consents"} <= names
    assert len(list(sent_texts())) >= 15


@pytest.mark.parametrize("language", ["en", "ko"])
@pytest.mark.parametrize(("name", "text"), list(sent_texts()))
def test_a_text_is_rendered_in_korean_with_every_value_filled(name, text, language):
    wanted = set(PLACEHOLDER.findall(str(text.body)))
    if text.title is not None:
        wanted |= set(PLACEHOLDER.findall(str(text.title)))
    values = {key: string.ascii_uppercase[i] * 3 for i, key in enumerate(sorted(wanted))}
    with translation.override(language):
        rendered = text.render(**values)
        assert translation.get_language() == language  # rendering leaves the request's alone
    assert HANGUL.search(rendered.body), rendered.body
    assert text.title is None or HANGUL.search(rendered.title)
    for value in values.values():
        assert value in rendered.body + rendered.title
    assert "%(" not in rendered.body
