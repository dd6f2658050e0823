from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from domain.common.errors import DomainError
from domain.common.uploads import IMAGE_JPG, store_private_upload
from domain.messaging import services
from domain.messaging.backends import BaseSmsBackend, GatewayError, SmsMessage, locmem
from domain.messaging.models import OutboxMessage
from domain.messaging.services import (
    message_deliver,
    messages_deliver_due,
    outbox_email,
    outbox_server_sms,
    outbox_sms,
)
from domain.sites.models import Site
from tests.dispatch_images import image_bytes, image_file

FAILING = "tests.domain.messaging.test_services.FailingBackend"
CODE_BODY = "[온누리] 인증번호 123456"


class FailingBackend(BaseSmsBackend):
    """A gateway that is down; its error quotes the body, which must never be stored."""

    def send(self, message: SmsMessage) -> str:
        raise GatewayError(f"gateway down while sending {message.body}")


@pytest.fixture
def clock(monkeypatch):
    """Services' timezone.now under the test's control; `clock.now` is the current time."""

    class Clock:
        now = timezone.now()

        def advance(self, **delta) -> None:
            self.now += timedelta(**delta)

    clock = Clock()
    monkeypatch.setattr(services.timezone, "now", lambda: clock.now)
    return clock


@pytest.mark.django_db
def test_message_in_a_rolled_back_transaction_is_never_sent(django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        outbox_sms(to="010-1234-5678", body=CODE_BODY, purpose="sign_up")
        raise RuntimeError("the change that caused the message failed")
    assert callbacks == []
    assert not OutboxMessage.objects.exists()
    assert locmem.outbox == []


@pytest.mark.django_db
def test_committed_sms_is_delivered(django_capture_on_commit_callbacks):
    site = Site.objects.get(slug="onnuri-biz")
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        message = outbox_sms(
            to="010-1234-5678", body=CODE_BODY, site=site, purpose="password_reset"
        )
        assert locmem.outbox == []  # nothing leaves before the commit
    assert len(callbacks) == 1
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert message.channel == "sms"
    assert message.kind == "sms"
    assert message.to == "01012345678"
    assert message.site == site
    assert message.purpose == "password_reset"
    assert message.attempts == 1
    assert message.sent_at is not None
    assert message.provider_message_id.startswith("locmem-")
    assert locmem.outbox == [
        SmsMessage(to="01012345678", body=CODE_BODY, kind="sms", sender="0212345678")
    ]


@pytest.mark.django_db
def test_long_sms_with_subject_is_an_lms():
    message = outbox_sms(to="01012345678", body="가" * 41, subject="안내")
    assert message.kind == "lms"
    assert message.status == OutboxMessage.Status.PENDING
    assert message.next_attempt_at <= timezone.now()


@pytest.mark.django_db
def test_committed_email_is_delivered(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        message = outbox_email(
            to="member@example.com",
            subject="비밀번호 재설정",
            body="링크를 눌러 주세요.",
            purpose="password_reset",
        )
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert message.kind == "email"
    (email,) = mail.outbox
    assert email.to == ["member@example.com"]
    assert email.subject == "비밀번호 재설정"
    assert email.body == "링크를 눌러 주세요."
    assert email.extra_headers["Message-ID"] == message.provider_message_id


@pytest.mark.django_db
@pytest.mark.parametrize(
    "kwargs,code",
    [
        ({"to": "0212345678", "body": "안내"}, "invalid_phone"),
        ({"to": "01012345678", "body": "축하합니다 🎉"}, "unsupported_character"),
        ({"to": "01012345678", "body": "가" * 1001}, "message_too_long"),
    ],
)
def test_refused_sms_writes_no_row(kwargs, code):
    with pytest.raises(DomainError) as raised:
        outbox_sms(**kwargs)
    assert raised.value.code == code
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "to,subject,code",
    [("not-an-email", "제목", "invalid_email"), ("a@example.com", "제목\n", "invalid_subject")],
)
def test_refused_email_writes_no_row(to, subject, code):
    with pytest.raises(DomainError) as raised:
        outbox_email(to=to, subject=subject, body="본문")
    assert raised.value.code == code
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
def test_delivering_a_sent_message_twice_sends_it_once():
    message = outbox_sms(to="01012345678", body=CODE_BODY)
    assert message_deliver(message_id=message.pk).status == OutboxMessage.Status.SENT
    again = message_deliver(message_id=message.pk)
    assert again.status == OutboxMessage.Status.SENT
    assert again.attempts == 1
    assert len(locmem.outbox) == 1
    assert messages_deliver_due() == 0
    assert len(locmem.outbox) == 1


@pytest.mark.django_db
@override_settings(SMS_BACKEND=FAILING, OUTBOX_RETRY_BASE_SECONDS=30)
def test_failing_delivery_backs_off_then_fails(settings, clock):
    message = outbox_sms(to="01012345678", body=CODE_BODY, purpose="sign_up")
    for attempt in range(1, settings.OUTBOX_MAX_ATTEMPTS):
        message = message_deliver(message_id=message.pk)
        assert message.status == OutboxMessage.Status.PENDING
        assert message.attempts == attempt
        delay = timedelta(seconds=30 * 2 ** (attempt - 1))  # 30 s, 60 s, 120 s, ...
        assert message.next_attempt_at == clock.now + delay
        # Not due yet: another run does nothing.
        assert message_deliver(message_id=message.pk).attempts == attempt
        clock.advance(seconds=delay.total_seconds())

    message = message_deliver(message_id=message.pk)
    assert message.status == OutboxMessage.Status.FAILED
    assert message.attempts == settings.OUTBOX_MAX_ATTEMPTS
    assert message.last_error.startswith("GatewayError: gateway down while sending")
    assert CODE_BODY not in message.last_error
    assert "123456" not in message.last_error
    assert message.sent_at is None

    clock.advance(days=1)
    assert message_deliver(message_id=message.pk).attempts == settings.OUTBOX_MAX_ATTEMPTS
    assert messages_deliver_due() == 0


@pytest.mark.django_db
def test_a_retry_is_sent_by_the_periodic_run_once_due(settings, clock):
    settings.SMS_BACKEND = FAILING
    message = outbox_sms(to="01012345678", body=CODE_BODY)
    message_deliver(message_id=message.pk)

    settings.SMS_BACKEND = "locmem"  # the gateway is back
    assert messages_deliver_due() == 0  # backoff not over
    clock.advance(seconds=settings.OUTBOX_RETRY_BASE_SECONDS)
    assert messages_deliver_due() == 1
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert message.attempts == 2
    assert message.last_error.startswith("GatewayError")  # the history of the failed try
    assert len(locmem.outbox) == 1


@pytest.mark.django_db
def test_periodic_run_sends_messages_the_queue_missed():
    first = outbox_sms(to="01012345678", body="하나")
    second = outbox_email(to="a@example.com", subject="둘", body="둘")
    assert messages_deliver_due() == 2
    assert {m.status for m in OutboxMessage.objects.filter(pk__in=[first.pk, second.pk])} == {
        "sent"
    }
    assert len(locmem.outbox) == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_periodic_run_respects_its_limit():
    for _ in range(3):
        outbox_sms(to="01012345678", body="안내")
    assert messages_deliver_due(limit=2) == 2
    assert OutboxMessage.objects.filter(status="pending").count() == 1


@pytest.mark.django_db
def test_a_message_being_sent_is_not_claimed_again(clock):
    message = outbox_sms(to="01012345678", body=CODE_BODY)
    OutboxMessage.objects.filter(pk=message.pk).update(
        status="sending", attempts=1, next_attempt_at=clock.now + services.SENDING_LEASE
    )
    assert message_deliver(message_id=message.pk).status == "sending"
    assert messages_deliver_due() == 0
    assert locmem.outbox == []


@pytest.mark.django_db
def test_an_interrupted_delivery_is_retried_after_its_lease(settings, clock):
    message = outbox_sms(to="01012345678", body=CODE_BODY)
    OutboxMessage.objects.filter(pk=message.pk).update(
        status="sending", attempts=1, next_attempt_at=clock.now + services.SENDING_LEASE
    )
    clock.advance(seconds=services.SENDING_LEASE.total_seconds())
    assert messages_deliver_due() == 0  # recorded as a failed attempt, retried after backoff
    message.refresh_from_db()
    assert message.status == "pending"
    assert message.last_error.startswith("Interrupted")
    clock.advance(seconds=settings.OUTBOX_RETRY_BASE_SECONDS)
    assert messages_deliver_due() == 1
    assert len(locmem.outbox) == 1


def test_transitions():
    message = OutboxMessage(status=OutboxMessage.Status.PENDING)
    assert message.can_transition_to("sending")
    assert not message.can_transition_to("sent")
    message.status = "sending"
    assert {s for s in OutboxMessage.Status if message.can_transition_to(s)} == {
        "sent",
        "pending",
        "failed",
    }
    for final in ("sent", "failed"):
        message.status = final
        assert not any(message.can_transition_to(s) for s in OutboxMessage.Status)


@pytest.mark.django_db
def test_a_sensitive_message_body_is_erased_once_sent(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        outbox_sms(to="01012345678", body="임시 비밀번호: Xy7!secret", sensitive=True)
    assert "Xy7!secret" in locmem.outbox[-1].body
    row = OutboxMessage.objects.get()
    assert row.status == "sent"
    assert "Xy7!secret" not in row.body


@pytest.mark.django_db
def test_a_server_composed_text_the_outbox_refuses_is_a_server_error():
    """Its template or the site's data is wrong, not the caller: never a 400 code."""
    assert outbox_server_sms(to="01012345678", body=CODE_BODY).status == "pending"
    with pytest.raises(RuntimeError, match="unsupported_character") as raised:
        outbox_server_sms(to="01012345678", body="인증번호 123456 🙂")
    assert not isinstance(raised.value, DomainError)
    assert OutboxMessage.objects.count() == 1


def stored_image() -> str:
    return store_private_upload(file=image_file(), folder="dispatch-images", allowed=IMAGE_JPG).path


@pytest.mark.django_db
@pytest.mark.parametrize("storage", ["file_system", "s3_storage"])
def test_an_sms_with_an_image_goes_out_as_an_mms_with_its_bytes(
    request, storage, django_capture_on_commit_callbacks
):
    """The row keeps the image's storage name; the sender reads it through the private storage
    (any worker, any machine) and hands the backend the bytes."""
    if storage != "file_system":
        request.getfixturevalue(storage)
    name = stored_image()
    with django_capture_on_commit_callbacks(execute=True):
        message = outbox_sms(to="01012345678", body="안내", image=name)
    assert (message.kind, message.image) == ("mms", name)
    (sent,) = locmem.outbox
    assert (sent.kind, sent.image) == ("mms", image_bytes())


@pytest.mark.django_db
def test_an_image_the_storage_cannot_give_is_a_failed_attempt_retried_later(
    settings, request, django_capture_on_commit_callbacks
):
    name = stored_image()
    request.getfixturevalue("storage_down")  # the storage goes down before the worker sends
    with django_capture_on_commit_callbacks(execute=True):
        message = outbox_sms(to="01012345678", body="안내", image=name)
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("pending", 1)
    assert message.last_error == "StorageUnavailable: storage_unavailable"
    assert message.next_attempt_at > timezone.now()
    assert locmem.outbox == []


@pytest.mark.django_db
def test_a_worker_killed_after_the_gateway_took_a_message_does_not_send_it_twice(
    settings, clock, monkeypatch
):
    """The outbox sends under the message's own request id: the retry after the lease is
    deduplicated by a gateway that has idempotent request ids (locmem here)."""
    message = outbox_sms(to="01012345678", body=CODE_BODY)
    succeeded = services._attempt_succeeded
    monkeypatch.setattr(services, "_attempt_succeeded", lambda *a: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        message_deliver(message_id=message.pk)
    monkeypatch.setattr(services, "_attempt_succeeded", succeeded)
    assert len(locmem.outbox) == 1

    clock.advance(seconds=services.SENDING_LEASE.total_seconds())
    assert messages_deliver_due() == 0  # an interrupted attempt, retried after the backoff
    clock.advance(seconds=settings.OUTBOX_RETRY_BASE_SECONDS)
    assert messages_deliver_due() == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxMessage.Status.SENT, 2)
    assert len(locmem.outbox) == 1
