"""What a kept text may not hold, and how an export writes one that holds it anyway
(domain.common.text; SPEC §14)."""

import pytest

from domain.common.text import refused_character, writable


@pytest.mark.parametrize(
    "value,found",
    [
        ("홍길동 (주)온누리-1", None),
        ("탭\u000b세로탭", "\u000b"),
        ("a\x00", "\x00"),
        ("a\x1fb", "\x1f"),
        ("a\x7fb", "\x7f"),  # DEL
        ("a\x85b", "\x85"),  # C1
        ("a\x9fb", "\x9f"),
        ("a\ud800b", "\ud800"),  # an unpaired surrogate
        ("a\ufffeb", "\ufffe"),  # non-characters: no XML holds them
        ("a\uffffb", "\uffff"),
        ("a\tb", "\t"),  # one line: no tab or line break
        ("a\nb", "\n"),
        ("a\u00a0b\u3000c\u200bd😀", None),  # spaces and symbols are text (SMS checks emoji)
    ],
)
def test_the_first_refused_character_is_found(value, found):
    assert refused_character(value) == found


def test_a_field_of_several_lines_keeps_tab_and_line_breaks_only():
    assert refused_character("첫 줄\r\n둘째\t줄\n", multiline=True) is None
    assert refused_character("첫 줄\x0c둘째", multiline=True) == "\x0c"
    assert refused_character("a\x00", multiline=True) == "\x00"


def test_writable_replaces_what_no_kept_text_holds_and_keeps_lines():
    assert (
        writable("a\x00b\x0b\tc\r\nd\x85\ud800\ufffe") == "a\ufffdb\ufffd\tc\r\nd\ufffd\ufffd\ufffd"
    )
    assert writable("홍길동") == "홍길동"
