"""A dispatch's message and image, checked the same way for a test send and for the dispatch
itself (SPEC §7.4, §13 "Text messages"; manual 004 §3.1 발송 정보 입력, 문자 내용 입력).

- title: required, at most 100 characters (`title_required`, `title_too_long`);
- subject: at most 40 bytes in EUC-KR (`subject_too_long`); "MMS / LMS 전환 시에만 제목이
  포함됩니다", so a subject makes the message an LMS (domain.messaging.sms.message_kind);
- body: at most 1,000 characters ("0 / 1000자", `message_too_long`), not empty;
- the kind: of the text each recipient gets, the body and its claim link (`gift_kind`): SMS
  up to 90 EUC-KR bytes and 40 characters, else LMS, MMS with an image;
- every character must exist in EUC-KR: the first that does not (an emoji) is named in the
  refusal (`unsupported_character`, `extra["character"]`; domain.messaging.sms.encode_check);
- image, optional: JPG by content, under 300 KB ("300KB미만 JPG파일만 가능"), at most 1500×1440
  pixels (`unsupported_file_type`, `file_too_large`, `image_too_large`), stored privately
  under a random name like the corporates' documents (domain.common.uploads, SPEC §14).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO

from django.utils.translation import gettext_lazy as _

from domain.common.errors import CommonErrorCode, DomainError
from domain.common.uploads import (
    IMAGE_JPG,
    StoredUpload,
    delete_private_upload,
    store_private_upload,
)
from domain.messaging.errors import MessagingErrorCode
from domain.messaging.sms import ENCODING, LONG_MAX_BYTES, message_kind, text_kind

from .claim_codes import CODE_LENGTH, gift_text
from .errors import DispatchErrorCode

TITLE_MAX_CHARS = 100  # Dispatch.title
BODY_MAX_CHARS = 1_000
IMAGE_MAX_BYTES = 300 * 1024  # exclusive: "300KB미만"
IMAGE_MAX_DIMENSIONS = (1500, 1440)  # width, height (SPEC §13)
IMAGE_FOLDER = "dispatch-images"


@dataclass(frozen=True)
class CheckedMessage:
    subject: str
    body: str
    kind: str  # Dispatch.Kind: sms | lms | mms, of the text with its link (gift_kind)


def title_check(title: str) -> str:
    """The title without surrounding spaces; refused when empty or over 100 characters."""
    title = (title or "").strip()
    if not title:
        raise DomainError(
            DispatchErrorCode.TITLE_REQUIRED, _("Enter a title for the dispatch."), attr="title"
        )
    if len(title) > TITLE_MAX_CHARS:
        raise DomainError(
            DispatchErrorCode.TITLE_TOO_LONG,
            _("The title must be at most %(max)s characters.") % {"max": TITLE_MAX_CHARS},
            attr="title",
        )
    return title


def _gift_sample(body: str) -> str:
    """A recipient's text (codes.gift_text): every code has the same length, so one sample
    stands for all."""
    return gift_text(body, "x" * CODE_LENGTH)


def gift_kind(*, body: str, subject: str, has_image: bool) -> str:
    """The kind of the text each recipient gets, its claim link included: a link that takes an
    SMS past 90 bytes or 40 characters makes it an LMS (SPEC §13). The one computation for the
    kind shown at creation, after a change, and sent (domain.dispatches.sending)."""
    return text_kind(_gift_sample(body), subject, has_image=has_image)


def message_check(*, subject: str, body: str, has_image: bool) -> CheckedMessage:
    """The subject and body as they will be sent, and their kind (see the module)."""
    subject = (subject or "").strip()
    body = body or ""
    if len(body) > BODY_MAX_CHARS:
        raise DomainError(
            MessagingErrorCode.MESSAGE_TOO_LONG,
            _("The message must be at most 1,000 characters."),
            attr="body",
        )
    message_kind(body, subject, has_image=has_image)  # refuses what no kind can carry
    # Each recipient's text is the body plus its claim link (domain.dispatches.claim_codes): refuse
    # here a body that only the link would push over the LMS limit, not at sending time.
    if len(_gift_sample(body).encode(ENCODING)) > LONG_MAX_BYTES:
        raise DomainError(
            MessagingErrorCode.MESSAGE_TOO_LONG,
            _("With the gift link the message would be over 2,000 bytes: shorten it."),
            attr="body",
        )
    kind = gift_kind(body=body, subject=subject, has_image=has_image)
    return CheckedMessage(subject=subject, body=body, kind=kind)


def image_store(file: IO[bytes]) -> StoredUpload:
    """Check an MMS image by its content and keep it privately (see `image_kept`)."""
    size = getattr(file, "size", None)
    if isinstance(size, int) and size >= IMAGE_MAX_BYTES:
        raise DomainError(
            CommonErrorCode.FILE_TOO_LARGE,
            _("The image must be smaller than 300 KB."),
            attr="image",
        )
    return store_private_upload(
        file=file,
        folder=IMAGE_FOLDER,
        allowed=IMAGE_JPG,
        max_bytes=IMAGE_MAX_BYTES - 1,
        max_dimensions=IMAGE_MAX_DIMENSIONS,
        attr="image",
    )


@contextmanager
def image_kept(file: IO[bytes] | None) -> Iterator[StoredUpload | None]:
    """The image checked and stored (None without one) for the block that saves what refers
    to it; deleted again if the block fails, since nothing refers to it then."""
    stored = image_store(file) if file is not None else None
    try:
        yield stored
    except BaseException:
        if stored is not None:
            delete_private_upload(stored.path)
        raise
