import pytest

from domain.common.errors import DomainError
from domain.messaging import sms
from domain.messaging.sms import encode_check, message_kind


def test_forty_hangul_characters_are_an_sms():
    assert message_kind("가" * 40) == "sms"  # 80 bytes, 40 characters


def test_forty_one_hangul_characters_are_an_lms():
    assert message_kind("가" * 41) == "lms"  # 82 bytes, still under 90: the character rule


def test_forty_ascii_characters_are_an_sms_and_forty_one_an_lms():
    assert message_kind("a" * 40) == "sms"
    assert message_kind("a" * 41) == "lms"


def test_ninety_bytes_is_the_sms_byte_limit(monkeypatch):
    # With EUC-KR (≤ 2 bytes a character) the 40-character rule bites first; lift it to see
    # the byte rule on its own.
    monkeypatch.setattr(sms, "SMS_MAX_CHARS", 1000)
    assert message_kind("가" * 45) == "sms"  # 90 bytes
    assert message_kind("가" * 45 + "a") == "lms"  # 91 bytes


def test_forty_five_hangul_characters_at_ninety_bytes_are_an_lms():
    assert message_kind("가" * 45) == "lms"


def test_a_subject_makes_an_lms_and_an_image_an_mms():
    assert message_kind("안내", subject="공지") == "lms"
    assert message_kind("안내", has_image=True) == "mms"


def test_lms_body_may_be_2000_bytes_but_not_more():
    assert message_kind("가" * 1000) == "lms"
    with pytest.raises(DomainError) as raised:
        message_kind("가" * 1000 + "a")
    assert raised.value.code == "message_too_long"
    assert raised.value.attr == "body"


def test_subject_may_be_40_bytes_but_not_more():
    assert message_kind("본문", subject="가" * 20) == "lms"
    with pytest.raises(DomainError) as raised:
        message_kind("본문", subject="가" * 20 + "a")
    assert raised.value.code == "subject_too_long"
    assert raised.value.attr == "subject"


def test_emoji_in_the_body_is_rejected():
    with pytest.raises(DomainError) as raised:
        message_kind("축하합니다 🎉")
    assert raised.value.code == "unsupported_character"
    assert raised.value.attr == "body"


def test_emoji_in_the_subject_is_rejected():
    with pytest.raises(DomainError) as raised:
        message_kind("본문", subject="🎁 선물")
    assert raised.value.code == "unsupported_character"
    assert raised.value.attr == "subject"


def test_encode_check_returns_euc_kr_bytes():
    assert encode_check("가a") == "가a".encode("euc-kr")
    assert len(encode_check("가a")) == 3


def test_an_empty_message_is_rejected():
    with pytest.raises(DomainError) as raised:
        message_kind("  ")
    assert raised.value.code == "message_empty"


def test_the_refused_character_is_named_in_the_message_and_in_extra():
    with pytest.raises(DomainError) as raised:
        encode_check("감사합니다 👍 좋은 하루", attr="reason")
    assert raised.value.extra == {"character": "👍"}
    assert raised.value.attr == "reason"
    assert "👍" in str(raised.value.message)
