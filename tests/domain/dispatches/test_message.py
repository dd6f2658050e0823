"""A dispatch's message and image (domain.dispatches.message; SPEC §7.4, §13; manual 004 §3.1):
title ≤ 100, subject ≤ 40 EUC-KR bytes, body ≤ 1,000 characters, the kind by SPEC §13, no
character outside EUC-KR (named in the refusal), a JPG < 300 KB of at most 1500×1440."""

import pytest
from django.utils import translation

from domain.common.errors import DomainError
from domain.dispatches.message import image_store, message_check, title_check
from tests.dispatch_images import image_file


def refusal(call, *args, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as raised:
        call(*args, **kwargs)
    return raised.value


def test_a_title_is_required_and_at_most_100_characters():
    assert title_check("  설 선물  ") == "설 선물"
    assert title_check("가" * 100) == "가" * 100
    assert refusal(title_check, "   ").code == "title_required"
    too_long = refusal(title_check, "가" * 101)
    assert (too_long.code, too_long.attr) == ("title_too_long", "title")


@pytest.mark.parametrize(
    "body,subject,has_image,kind",
    [
        ("가" * 10, "", False, "sms"),  # 40 characters with the 29-character link and newline
        ("가" * 11, "", False, "lms"),
        ("가" * 40, "", False, "lms"),  # an SMS alone, not with its link
        ("안내", "공지", False, "lms"),
        ("안내", "", True, "mms"),
        ("가" * 960, "가" * 20, False, "lms"),  # 40-byte subject; room left for the link
    ],
)
def test_the_kind_follows_spec_13(settings, body, subject, has_image, kind):
    """The kind of what each recipient gets: the body, a newline and the claim link."""
    settings.GIFT_URL_BASE = "https://g.kr"  # links of 29 characters
    assert message_check(subject=subject, body=body, has_image=has_image).kind == kind


def test_with_the_default_link_base_every_gift_is_an_lms():
    """The default link (39 characters before the code) alone passes the 40-character rule."""
    assert message_check(subject="", body="선물", has_image=False).kind == "lms"


def test_a_body_over_1000_characters_is_refused_even_in_ascii():
    error = refusal(message_check, subject="", body="a" * 1001, has_image=False)
    assert (error.code, error.attr) == ("message_too_long", "body")
    assert "1,000" in str(error.message)


def test_a_subject_over_40_bytes_is_refused():
    error = refusal(message_check, subject="가" * 20 + "a", body="본문", has_image=False)
    assert (error.code, error.attr) == ("subject_too_long", "subject")


@pytest.mark.parametrize("field", ["body", "subject"])
def test_an_emoji_is_refused_and_named(field):
    text = {"body": "본문", "subject": ""}
    text[field] = "설 선물 😀 드립니다"
    error = refusal(message_check, has_image=False, **text)
    assert (error.code, error.attr) == ("unsupported_character", field)
    assert error.extra == {"character": "😀"}
    with translation.override("ko"):
        assert "😀" in str(error.message)
    with translation.override("en"):
        assert "😀" in str(error.message)


def test_a_jpg_is_stored_privately_under_a_random_name(settings):
    stored = image_store(image_file(size=(1500, 1440)))
    assert stored.path.startswith("dispatch-images/") and stored.path.endswith(".jpg")
    assert (settings.PRIVATE_MEDIA_ROOT / stored.path).exists()


@pytest.mark.parametrize(
    "kwargs,code",
    [
        ({"fmt": "PNG"}, "unsupported_file_type"),
        ({"pad_to": 400 * 1024}, "file_too_large"),
        ({"pad_to": 300 * 1024}, "file_too_large"),  # under 300 KB, not up to it
        ({"size": (1501, 100)}, "image_too_large"),
        ({"size": (100, 1441)}, "image_too_large"),
    ],
)
def test_an_image_that_is_not_a_small_jpg_is_refused_and_not_stored(settings, kwargs, code):
    error = refusal(image_store, image_file(**kwargs))
    assert (error.code, error.attr) == (code, "image")
    assert not (settings.PRIVATE_MEDIA_ROOT / "dispatch-images").exists()


def test_just_under_300_kb_is_accepted():
    assert image_store(image_file(pad_to=300 * 1024 - 1)).size == 300 * 1024 - 1


def test_a_body_that_the_claim_link_would_push_over_the_lms_limit_is_refused():
    """1,000 Korean characters are 2,000 EUC-KR bytes: the recipient's claim link on top would
    make every send fail, so the create refuses it (domain.dispatches.claim_codes.gift_text)."""
    refused = refusal(message_check, subject="", body="가" * 1000, has_image=False)
    assert (refused.code, refused.attr) == ("message_too_long", "body")
