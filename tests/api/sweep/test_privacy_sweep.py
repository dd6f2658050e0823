"""The privacy sweep (SPEC §6, §14; PIPA art. 24-2): no RRN, no plaintext
one-time code, link token, claim code, temporary password or typed password is kept in any
table, written to any log or put into any task payload.

Each flow drives the real endpoints as a client does and seeds recognisable values: the RRN back
digits typed in the library upgrades (the only place an RRN is accepted), a loan PIN, the
passwords typed at sign-up and login, and every secret the server itself texts or mails — SMS
codes, invitation link tokens, temporary passwords, gift claim codes — read back from the
messages as the recipient would (every message marked sensitive must yield one, so a new kind
of secret cannot slip past unread), and the verification tokens answered to clients. After the
worker has delivered everything due, each secret and its usual transformations (digits without
dashes, with dashes, unkeyed hashes, base64, URL quoting; tests/privacy.py) is searched in every
row of every table (raw SQL, django-q2's and the outbox's included), in the decoded django-q2
task payloads, in every log record of every logger at DEBUG, and in every answer.

Gift claim codes exist once dispatches are sent (`domain.dispatches.sending`):
their flow is one of FLOWS as soon as that module does, and fails loudly if it changes shape.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.core import mail
from django_q.tasks import async_task

from domain.audit.models import AuditEvent
from domain.corporates.models import CorporateManager
from domain.dispatches.models import Recipient
from domain.messaging import services as messaging
from domain.messaging.backends import locmem
from domain.messaging.services import messages_deliver_due
from domain.sites.models import Site
from tests.api.corporates import (
    INVITEE,
    MEMBERS,
    NEW_PASSWORD,
    SITE,
    accept_body,
    login_with_otp,
    manager_identity,
    sign_up,
    token_from_sms,
)
from tests.api.corporates import PASSWORD as COMPANY_PASSWORD
from tests.api.library import (
    PARENT,
    apply,
    children_convert,
    children_join,
    full_member,
    headers_for,
    join,
)
from tests.api.members import person_member
from tests.conftest import bearer_for, error_codes, identity, sms_code_from_outbox
from tests.factories.corporates import corporate_with_master
from tests.factories.dispatches import dispatch_make, recipients_of
from tests.factories.members import DEFAULT_PASSWORD
from tests.factories.purchases import approved_purchase
from tests.privacy import (
    Secret,
    database_rows,
    every_logger_at_debug,
    leaks,
    log_text,
    task_payloads,
)
from tests.timestamps import TimestampCheckingAPIClient

pytestmark = pytest.mark.django_db

RRN_BACKS = ["1000001", "1000002", "1000003", "1000004", "1000005", "5987654", "4242424"]
LOAN_PIN = "7294"
YONGIN = "/api/v1/sites/yongin-library/"


class RecordingClient(TimestampCheckingAPIClient):
    """The `api` client, keeping every answer's body (searched too)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.answers: list[str] = []

    def request(self, **kwargs):
        response = super().request(**kwargs)
        content = b"".join(response.streaming_content) if response.streaming else response.content
        self.answers.append(content.decode("utf-8", "replace"))
        return response


@pytest.fixture
def api():
    return RecordingClient()


@pytest.fixture
def queued(monkeypatch) -> list[dict]:
    """Every outbox message as written, before delivery erases a sensitive body."""
    written = []
    original = messaging._outbox_add

    def recorded(**fields):
        written.append(dict(fields))
        return original(**fields)

    monkeypatch.setattr(messaging, "_outbox_add", recorded)
    return written


# --- reading the secrets back as their recipients would ----------------------------------------

TEXTED = {
    "verification code": re.compile(r"인증번호 \[(\d{6})\]"),
    "temporary password": re.compile(r"임시 비밀번호: (\S+)"),
    "invitation token": re.compile(r"/join/([A-Za-z0-9_-]+)"),
}


def texted_patterns() -> dict[str, re.Pattern]:
    patterns = dict(TEXTED)
    gift_links = getattr(settings, "GIFT_URL_BASE", "")
    if gift_links:
        patterns["claim code"] = re.compile(
            re.escape(gift_links.rstrip("/")) + r"/([A-Za-z0-9_-]+)"
        )
    return patterns


def secrets_in(text: str) -> list[Secret]:
    return [
        Secret(kind, value)
        for kind, pattern in texted_patterns().items()
        for value in pattern.findall(text)
    ]


def sent_texts(queued: list[dict]) -> list[str]:
    """What recipients received: texts through the SMS backend (the outbox's and dispatch
    batches) and emails, and every outbox message as queued."""
    texts = [message.body for message in locmem.outbox]
    texts += [f"{email.subject}\n{email.body}" for email in mail.outbox]
    return texts + [message["body"] for message in queued]


def answered_tokens(answers: list[str]) -> list[Secret]:
    """Verification tokens handed to clients: theirs to hold, nobody else's to keep."""
    found = []
    for answer in answers:
        for token in re.findall(r'"verification_token":"([^"]+)"', answer):
            found.append(Secret("verification token", token, allowed_in=frozenset({"answers"})))
    return found


# --- the flows ------------------------------------------------------------------------------


def library_upgrades(api, verify, capture, member_factory) -> list[Secret]:
    """yongin-library: a parent and two children become full members and multi-child
    members with RRN back digits; refusals included (malformed, foreign, unavailable)."""
    join(api, verify, PARENT, "parent1")
    parent = headers_for(api, "parent1")
    kids = children_join(api, verify)

    def full(headers, rrn, **extra):
        return full_member(api, headers, rrn, pin=LOAN_PIN, **extra)

    answers = [full(parent, "1000005", member_id=kid) for kid in kids]
    answers += [full(parent, rrn) for rrn in ("12ab34x", "5987654", "4242424", "1000001")]
    answers.append(apply(api, parent, type="multi_child_self", consent=True, rrn_back="1000001"))
    answers.append(children_convert(api, parent))
    for username, rrn, mobile, name in (  # the sandbox CI ignores the phone: three people
        ("other2", "1000002", "01033330002", "이웃둘"),
        ("other3", "1000003", "01033330003", "이웃셋"),
        ("other4", "1000004", "01033330004", "이웃넷"),
    ):
        join(api, verify, identity(name=name, phone=mobile), username)
        headers = headers_for(api, username)
        answers.append(full(headers, rrn))
        answers.append(apply(api, headers, type="multi_child_self", consent=True, rrn_back=rrn))
    codes = {code for answer in answers for code in _codes(answer)}
    assert any(a.status_code == 200 and a.json().get("level") == "full" for a in answers)
    assert {
        "too_few_children",
        "youngest_over_18",
        "not_gyeonggi_resident",
        "foreign_registration_unsupported",
        "invalid_rrn_back",
    } <= codes, codes
    parent_front = PARENT["birth_date"][2:].replace("-", "")  # 1985-05-05 → 850505
    return [
        *(Secret("rrn", back, forms=(f"{parent_front}-{back}",)) for back in RRN_BACKS),
        Secret("rrn", "12ab34x"),
        Secret("loan PIN", LOAN_PIN),
        Secret("password", DEFAULT_PASSWORD),
    ]


def _codes(response) -> set[str]:
    return set(error_codes(response)) if response.status_code >= 400 else set()


def company_life(api, verify, capture, member_factory) -> list[Secret]:
    """onnuri-biz: company sign-up, review, the master's SMS login code, an invitation link
    (a wrong try included), the invitee joining, the master resetting the admin's password,
    the admin's login with it, and a code for a dispatch."""
    onnuri = "onnuri-biz"
    with capture(execute=True):
        assert sign_up(api, verify(onnuri, "sign_up", manager_identity())).status_code == 201
    corporate = CorporateManager.objects.get(member__username="bizmaster1").corporate
    staff = member_factory(site=corporate.site, username="privacyop1", staff=True)
    with capture(execute=True):
        approved = api.post(f"{SITE}corporates/{corporate.pk}/approve/", **bearer_for(staff))
    assert approved.status_code == 200, approved.json()
    login = login_with_otp(api, capture, "bizmaster1", COMPANY_PASSWORD)
    assert login.status_code == 200, login.json()
    master = {"HTTP_AUTHORIZATION": f"Bearer {login.json()['access']}"}
    invitation = {"name": "김정호", "department": "재무팀", "position": "과장"}
    with capture(execute=True):
        invited = api.post(
            MEMBERS, {**invitation, "mobile": INVITEE["phone"]}, format="json", **master
        )
    assert invited.status_code == 201, invited.json()
    link = token_from_sms()
    assert api.get(f"{SITE}invitations/{link}/").status_code == 200
    invitee = verify(onnuri, "invitation", INVITEE)
    wrong = accept_body(api, corporate, invitee, username="colleague1", company_name="(주)남")
    refused = api.post(f"{SITE}invitations/{link}/accept/", wrong, format="json")
    assert error_codes(refused) == ["invitation_company_mismatch"], refused.json()
    joined = api.post(
        f"{SITE}invitations/{link}/accept/",
        accept_body(api, corporate, invitee, username="colleague1"),
        format="json",
    )
    assert joined.status_code == 201, joined.json()
    entries = api.get(MEMBERS, **master).json()["results"]
    colleague = next(e for e in entries if e["kind"] == "admin" and e["role"] == "general")
    with capture(execute=True):
        reset = api.post(f"{MEMBERS}{colleague['id']}/reset-password/", **master)
    assert reset.status_code == 202, reset.json()
    temporary = re.search(r"임시 비밀번호: (\S+)", locmem.outbox[-1].body).group(1)
    assert login_with_otp(api, capture, "colleague1", temporary).status_code == 200
    with capture(execute=True):
        started = api.post(
            f"{SITE}verifications/",
            {"purpose": "dispatch_send", "method": "sms_code"},
            format="json",
            **master,
        )
    assert started.status_code == 201, started.json()
    confirmed = api.post(
        f"{SITE}verifications/{started.json()['id']}/confirm/",
        {"code": sms_code_from_outbox()},
        format="json",
        **master,
    )
    assert confirmed.status_code == 200, confirmed.json()
    return [Secret("password", COMPANY_PASSWORD), Secret("password", NEW_PASSWORD)]


def password_reset(api, verify, capture, member_factory) -> list[Secret]:
    """yongin-library: 비밀번호찾기 by SMS and by email, then a login with the password."""
    member = person_member(member_factory, username="resetme01")
    for channel in ("sms", "email"):
        with capture(execute=True):
            answered = api.post(
                f"{YONGIN}members/reset-password/",
                {
                    "username": member.username,
                    "kind": "general",
                    "channel": channel,
                    "verification_token": verify("yongin-library", "reset_password", identity()),
                },
                format="json",
            )
        assert answered.status_code == 202, answered.json()
    temporary = re.search(r"임시 비밀번호: (\S+)", mail.outbox[-1].body).group(1)
    login = api.post(
        f"{YONGIN}auth/token/", {"username": member.username, "password": temporary}, format="json"
    )
    assert login.status_code == 200, login.json()
    return []


def gift_claim_codes(api, verify, capture, member_factory) -> list[Secret]:
    """onnuri-biz: a dispatch sent by the workers; each recipient's text carries a claim link."""
    from domain.dispatches.sending import dispatch_send

    master = corporate_with_master(username="giftmaster1", mobile="01066660001")
    dispatch = dispatch_make(
        manager=master, purchase=approved_purchase(master, 100_000), recipients=recipients_of(3)
    )
    with capture(execute=True):
        dispatch_send(dispatch_id=dispatch.pk)
    sent = Recipient.objects.filter(dispatch=dispatch, status=Recipient.Status.SENT).count()
    assert sent == 3
    answered = api.get(f"{SITE}dispatches/{dispatch.pk}/recipients/", **bearer_for(master.member))
    assert answered.status_code == 200, answered.json()
    return []


@dataclass(frozen=True)
class Flow:
    run: Callable[..., list[Secret]]
    # Kinds of secret the flow must have seeded (read back from what was sent or answered).
    seeds: frozenset[str]


FLOWS = {
    "library upgrades": Flow(library_upgrades, frozenset({"rrn", "loan PIN", "password"})),
    "onnuri-biz company": Flow(
        company_life,
        frozenset(
            {
                "verification code",
                "invitation token",
                "temporary password",
                "verification token",
                "password",
            }
        ),
    ),
    "password reset": Flow(password_reset, frozenset({"temporary password", "verification token"})),
}
if importlib.util.find_spec("domain.dispatches.sending") is not None:
    FLOWS["gift claim codes"] = Flow(gift_claim_codes, frozenset({"claim code"}))


@pytest.mark.parametrize("flow", FLOWS.values(), ids=FLOWS.keys())
def test_no_secret_is_kept_logged_or_queued(
    api, verify, caplog, queued, member_factory, django_capture_on_commit_callbacks, flow
):
    locmem.outbox.clear()
    mail.outbox.clear()
    with every_logger_at_debug(caplog):
        typed = flow.run(api, verify, django_capture_on_commit_callbacks, member_factory)
        with django_capture_on_commit_callbacks(execute=True):
            messages_deliver_due()  # the worker's periodic job: whatever is still due goes out

    texted = [secret for text in sent_texts(queued) for secret in secrets_in(text)]
    unread = [
        f"{message['purpose']}: {message['body']!r}"
        for message in queued
        if message.get("sensitive") and not secrets_in(message["body"])
    ]
    assert unread == [], "sensitive messages whose secret the sweep cannot read (TEXTED)"
    secrets = list(dict.fromkeys(typed + texted + answered_tokens(api.answers)))
    assert flow.seeds <= {secret.kind for secret in secrets}, "the flow seeded less than it says"

    database = database_rows()
    places = {
        "the database": "\n".join(f"{t} {row!r}" for t, rows in database.items() for row in rows),
        "django-q2 task payloads": "\n".join(task_payloads()),
        "the logs": log_text(caplog.records),
        "answers": "\n".join(api.answers),
    }
    assert caplog.records, "no log record captured"
    found = leaks(secrets, places)
    assert found == [], "\n".join(found)


def test_the_sweep_finds_a_secret_in_each_place(api, caplog):
    """The search itself: a code written to a table, a log and an answer, in another spelling."""
    AuditEvent.objects.create(
        type=AuditEvent.Type.PASSWORD_RESET,
        site=Site.objects.get(slug="yongin-library"),
        parameters={"note": "rrn 900101-1234567"},
    )
    with every_logger_at_debug(caplog):
        logging.getLogger("django_q").debug("code %s", "482913")
    async_task("builtins.len", "temporary-Pw9!")  # run at once (sync), kept with its arguments
    places = {
        "the database": repr(database_rows()),
        "django-q2 task payloads": "\n".join(task_payloads()),
        "the logs": log_text(caplog.records),
        "answers": json.dumps({"detail": "c2VjcmV0LXRva2Vu"}),
    }
    found = leaks(
        [
            Secret("rrn", "9001011234567"),
            Secret("verification code", "482913"),
            Secret("invitation token", "secret-token"),
            Secret("temporary password", "temporary-Pw9!"),
            Secret("verification code", "123456"),  # nowhere
        ],
        places,
    )
    assert found == [
        "rrn '9001011234567' in the database as '900101-1234567'",
        "verification code '482913' in the logs as '482913'",
        "invitation token 'secret-token' in answers as 'c2VjcmV0LXRva2Vu'",
        "temporary password 'temporary-Pw9!' in django-q2 task payloads as 'temporary-Pw9!'",
    ]
