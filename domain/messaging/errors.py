"""Error codes of the outbox and text messages (SPEC §9, §13)."""

from domain.common.errors import ErrorCode


class MessagingErrorCode(ErrorCode):
    INVALID_EMAIL = "invalid_email"
    INVALID_SUBJECT = "invalid_subject"
    MESSAGE_EMPTY = "message_empty"
    MESSAGE_TOO_LONG = "message_too_long"
    SUBJECT_TOO_LONG = "subject_too_long"
    UNSUPPORTED_CHARACTER = "unsupported_character"
    MESSAGE_NOT_FOUND = "message_not_found"
