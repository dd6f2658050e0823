"""The 2-yearly marketing opt-in notice (정보통신망법 art. 50(8), SPEC §13)."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from domain.audit.services import RequestContext
from domain.consents.models import ConsentReminder
from domain.consents.services import consents_agree, marketing_consents_remind
from domain.messaging.backends import locmem
from domain.messaging.models import OutboxMessage
from workers.consents import remind_marketing_consents

pytestmark = pytest.mark.django_db

PURPOSE = "marketing_consent_reminder"


def agree(member, code, agreed=True, version=1):
    return consents_agree(
        member=member,
        agreements=[{"document": code, "version": version, "agreed": agreed}],
        context=RequestContext(),
    )


def reminders():
    return OutboxMessage.objects.filter(purpose=PURPOSE)


def at(moment):
    return time_machine.travel(moment, tick=False)


def test_sms_opt_in_is_reminded_once_per_two_year_cycle(member_factory):
    start = timezone.now()
    opted_in = member_factory()
    member_factory()  # no marketing consent
    agree(opted_in, "sms_marketing")

    with at(start + timedelta(days=365)):
        assert marketing_consents_remind() == 0
    with at(start + timedelta(days=735)):
        assert marketing_consents_remind() == 1
        assert marketing_consents_remind() == 0  # already reminded in this cycle
    with at(start + timedelta(days=1000)):
        assert remind_marketing_consents() == 0
    (message,) = reminders()
    assert (message.channel, message.to) == ("sms", opted_in.mobile)
    assert "수신동의" in message.body and opted_in.site.name in message.body
    with at(start + timedelta(days=365 * 4 + 2)):
        assert remind_marketing_consents() == 1  # the next cycle
    assert list(ConsentReminder.objects.values_list("cycle", flat=True).order_by("cycle")) == [1, 2]


def test_reminder_is_delivered_by_the_outbox(member_factory, django_capture_on_commit_callbacks):
    start = timezone.now()
    member = member_factory()
    agree(member, "sms_marketing")
    agree(member, "email_marketing")
    locmem.outbox.clear()
    with (
        at(start + timedelta(days=735)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert marketing_consents_remind() == 2
    assert [m.to for m in locmem.outbox] == [member.mobile]
    assert [m.to for m in mail.outbox] == [[member.email]]
    assert "수신동의" in mail.outbox[0].subject


def test_withdrawn_or_renewed_consents_are_not_reminded(member_factory):
    start = timezone.now()
    withdrawn = member_factory()
    agree(withdrawn, "sms_marketing")
    renewed = member_factory()
    agree(renewed, "email_marketing")
    with at(start + timedelta(days=200)):
        agree(withdrawn, "sms_marketing", agreed=False)
    with at(start + timedelta(days=400)):
        agree(renewed, "email_marketing", agreed=False)
        agree(renewed, "email_marketing")  # a fresh agreement starts a new 2-year period
    with at(start + timedelta(days=735)):
        assert marketing_consents_remind() == 0
    with at(start + timedelta(days=400 + 735)):
        assert marketing_consents_remind() == 1
    assert [m.to for m in reminders()] == [renewed.email]


def test_withdrawn_members_are_not_reminded(member_factory):
    start = timezone.now()
    member = member_factory()
    agree(member, "sms_marketing")
    member.status = member.Status.WITHDRAWN
    member.save()
    with at(start + timedelta(days=735)):
        assert marketing_consents_remind() == 0


def test_a_consent_covering_both_channels_is_reminded_by_email(member_factory, site_of):
    start = timezone.now()
    manager = member_factory(site=site_of("onnuri-biz"), username="manager01")
    agree(manager, "marketing")
    with at(start + timedelta(days=735)):
        assert marketing_consents_remind() == 1
    assert [(m.channel, m.to) for m in reminders()] == [("email", manager.email)]
