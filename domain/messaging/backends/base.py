from dataclasses import dataclass


@dataclass(frozen=True)
class SmsMessage:
    """What a backend needs to send one text message; `kind` is sms, lms or mms."""

    to: str
    body: str
    kind: str
    sender: str
    subject: str = ""
    image_path: str = ""


class GatewayError(Exception):
    """The gateway refused or could not take a message. Its text never includes the body."""


class BaseSmsBackend:
    """Base class for SMS backends; subclasses implement `send`."""

    def __init__(self, **kwargs) -> None:
        pass

    def send(self, message: SmsMessage) -> str:
        """Send one message and return the provider's message id; raise on failure."""
        raise NotImplementedError("subclasses of BaseSmsBackend must override send()")
