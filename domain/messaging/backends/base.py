import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

PLACEHOLDER = re.compile(r"##(\w+)##")


@dataclass(frozen=True)
class SmsMessage:
    """What a backend needs to send one text message; `kind` is sms, lms or mms.

    `body` is always the text the recipient reads. A personalised message may also say how it
    was made: `template` with ##key## placeholders filled from `parameters` (see `templated`),
    so a gateway that substitutes per recipient (NHN Cloud's templateParameter) can take many
    such messages in one request. `image` is an MMS's JPG itself (< 300 KB), read from the
    private storage by the sender: a backend never opens a file of its own.
    """

    to: str
    body: str
    kind: str
    sender: str
    subject: str = ""
    image: bytes = field(default=b"", repr=False)
    template: str = ""
    parameters: tuple[tuple[str, str], ...] = ()

    @classmethod
    def templated(cls, *, template: str, parameters: Mapping[str, str], **fields) -> "SmsMessage":
        """A message whose body is `template` with each ##key## replaced by parameters[key]."""
        body = PLACEHOLDER.sub(lambda m: parameters.get(m.group(1), m.group(0)), template)
        return cls(body=body, template=template, parameters=tuple(parameters.items()), **fields)


@dataclass(frozen=True)
class SendResult:
    """One message's outcome in a batch: the provider's message id when the gateway took it,
    else why it was refused (never the message's text)."""

    provider_message_id: str = ""
    error: str = ""

    @property
    def sent(self) -> bool:
        return bool(self.provider_message_id) and not self.error


class GatewayError(Exception):
    """The gateway refused or could not take a message. Its text never includes the body."""


ERROR_MAX_CHARS = 300


def describe_error(error: Exception, *contents: str) -> str:
    """Exception class and short text, with the message's own content (`contents`: body,
    subject…) taken out, for a stored `last_error`."""
    text = str(error)
    for content in contents:
        if content:
            text = text.replace(content, "[redacted]")
    return f"{type(error).__name__}: {text}"[:ERROR_MAX_CHARS]


class BaseSmsBackend:
    """Base class for SMS backends; subclasses implement `send`, and `send_many` where the
    gateway takes batches or deduplicates by request id."""

    def __init__(self, **kwargs) -> None:
        pass

    def send(self, message: SmsMessage) -> str:
        """Send one message and return the provider's message id; raise on failure."""
        raise NotImplementedError("subclasses of BaseSmsBackend must override send()")

    def send_many(
        self,
        messages: Sequence[SmsMessage],
        *,
        request_id: str,
        first_sent_at: datetime | None = None,
    ) -> list[SendResult]:
        """Send a batch; one result per message, in order.

        `request_id` is the batch's idempotency key: sending the same batch (or part of it)
        again under the same key after a crash must not deliver a message twice where the
        gateway can tell. `first_sent_at` is when the key was first used (None: never), for
        adapters that must ask the gateway what it already took. Raise when the outcome of the
        whole batch is unknown (no answer): the caller sends it again under the same key.

        This default sends each message with `send`: a refused one is a failed result and the
        rest go on. It has no request id, so a repeated batch is sent again (at least once).
        """
        results = []
        for message in messages:
            try:
                results.append(SendResult(provider_message_id=self.send(message)))
            except Exception as error:  # noqa: BLE001  (reported as this message's failure)
                contents = (message.body, message.subject, message.template)
                results.append(SendResult(error=describe_error(error, *contents)))
        return results
