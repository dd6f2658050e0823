"""Text-message kinds and limits (SPEC §13 "Text messages").

Gateways send in EUC-KR, so every length here is a byte count in EUC-KR (Hangul is 2 bytes).
"""

from django.utils.translation import gettext_lazy as _

from domain.common.errors import DomainError

from .errors import MessagingErrorCode

ENCODING = "euc-kr"
SMS_MAX_BYTES = 90
# The Onnuri manual switches to LMS above 40 characters, whatever the byte count.
SMS_MAX_CHARS = 40
LONG_MAX_BYTES = 2000
SUBJECT_MAX_BYTES = 40

SMS = "sms"
LMS = "lms"
MMS = "mms"


def encode_check(text: str, *, attr: str = "body") -> bytes:
    """The text in EUC-KR; characters outside it (emoji) make gateways fail, so refuse them.

    The refusal names the first such character, in its message and as `extra["character"]`,
    so the writer can find it (SPEC §13: "reject them with a clear error").
    """
    try:
        return text.encode(ENCODING)
    except UnicodeEncodeError as error:
        character = error.object[error.start]
        raise DomainError(
            MessagingErrorCode.UNSUPPORTED_CHARACTER,
            _("“%(character)s” cannot be sent by text message (emoji and similar characters).")
            % {"character": character},
            attr=attr,
            extra={"character": character},
        ) from None


def message_kind(body: str, subject: str = "", has_image: bool = False) -> str:
    """Choose sms, lms or mms for a message, refusing what no kind can carry.

    SMS: at most 90 bytes and at most 40 characters, no subject (SMS has no subject field, so a
    subject would be lost). Anything longer, or with a subject, is LMS; with an image, MMS.
    LMS/MMS: body ≤ 2,000 bytes, subject ≤ 40 bytes.
    """
    if not body.strip():
        raise DomainError(MessagingErrorCode.MESSAGE_EMPTY, _("The message is empty."), attr="body")
    body_bytes = len(encode_check(body, attr="body"))
    subject_bytes = len(encode_check(subject, attr="subject"))
    if subject_bytes > SUBJECT_MAX_BYTES:
        raise DomainError(
            MessagingErrorCode.SUBJECT_TOO_LONG,
            _("The subject must be at most 40 bytes (20 Korean characters)."),
            attr="subject",
        )
    if body_bytes > LONG_MAX_BYTES:
        raise DomainError(
            MessagingErrorCode.MESSAGE_TOO_LONG,
            _("The message must be at most 2,000 bytes (1,000 Korean characters)."),
            attr="body",
        )
    return text_kind(body, subject, has_image=has_image)


def text_kind(text: str, subject: str = "", *, has_image: bool = False) -> str:
    """The kind of a text already checked (message_kind): MMS with an image; LMS with a
    subject, or past 90 bytes or 40 characters; else SMS."""
    if has_image:
        return MMS
    too_long = len(text.encode(ENCODING, errors="replace")) > SMS_MAX_BYTES
    if subject or too_long or len(text) > SMS_MAX_CHARS:
        return LMS
    return SMS
