"""A new user on onnuri-biz with `seed_demo` only.

The credentials come from the command's output, the SMS code from the SMS backend (locmem here;
the console in `make run`), and everything else over the API as the README describes it:
POST auth/token/ → otp_required + verification_id → POST auth/token/otp/ → the company, its
members and its bank accounts.
"""

import io
import re

import pytest
from django.core.management import call_command

from domain.corporates.models import (
    BankAccount,
    Corporate,
    CorporateEvent,
    CorporateManager,
    Invitation,
)
from domain.members.models import Member
from domain.messaging.backends import locmem
from domain.messaging.models import OutboxMessage
from domain.purchases.models import Purchase, PurchaseEvent
from tests.conftest import error_codes, sms_code_from_outbox

pytestmark = pytest.mark.django_db

SITE = "/api/v1/sites/onnuri-biz/"
ROW = re.compile(r"^\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s*$")


def seed_demo(capture) -> str:
    out = io.StringIO()
    with capture(execute=True):
        call_command("seed_demo", stdout=out)
    return out.getvalue()


def credentials(output: str) -> dict[tuple[str, str], tuple[str, str]]:
    """(site, role) → (ID, password), read from the printed table."""
    rows = (ROW.match(line) for line in output.splitlines())
    return {(m[1], m[2]): (m[3], m[4]) for m in rows if m}


def log_in(api, capture, username: str, password: str) -> dict:
    with capture(execute=True):
        first = api.post(
            f"{SITE}auth/token/", {"username": username, "password": password}, format="json"
        )
    assert first.status_code == 200, first.json()
    assert first.json()["otp_required"] is True and "access" not in first.json()
    texted = locmem.outbox[-1]
    second = api.post(
        f"{SITE}auth/token/otp/",
        {"verification_id": first.json()["verification_id"], "code": sms_code_from_outbox()},
        format="json",
    )
    assert second.status_code == 200, second.json()
    return {"HTTP_AUTHORIZATION": f"Bearer {second.json()['access']}", "texted": texted}


def test_the_demo_master_logs_in_with_the_sms_code_and_sees_company_members_accounts(
    api, django_capture_on_commit_callbacks
):
    output = seed_demo(django_capture_on_commit_callbacks)
    master_id, master_password = credentials(output)[("onnuri-biz", "master")]

    headers = log_in(api, django_capture_on_commit_callbacks, master_id, master_password)
    texted = headers.pop("texted")
    assert texted.to == Member.objects.get(site__slug="onnuri-biz", username=master_id).mobile

    mine = api.get(f"{SITE}corporates/mine/", **headers)
    assert mine.status_code == 200, mine.json()
    assert mine.json()["status"] == "approved"
    assert mine.json()["name"] in output  # the printed company is the one shown

    members = api.get(f"{SITE}corporate-members/", **headers)
    assert members.status_code == 200, members.json()
    entries = members.json()["results"]
    assert sorted(e["role"] for e in entries) == ["general", "master"]
    assert {e["status"] for e in entries} == {"active"}

    accounts = api.get(f"{SITE}accounts/", **headers)
    assert accounts.status_code == 200, accounts.json()
    assert [a["status"] for a in accounts.json()["results"]] == ["in_use"]


def test_the_demo_general_admin_logs_in_too_without_the_members_menu(
    api, django_capture_on_commit_callbacks
):
    output = seed_demo(django_capture_on_commit_callbacks)
    admin_id, admin_password = credentials(output)[("onnuri-biz", "general-admin")]
    headers = log_in(api, django_capture_on_commit_callbacks, admin_id, admin_password)
    headers.pop("texted")
    assert api.get(f"{SITE}corporates/mine/", **headers).status_code == 200
    assert api.get(f"{SITE}accounts/", **headers).status_code == 200
    refused = api.get(f"{SITE}corporate-members/", **headers)
    assert refused.status_code == 404  # the members menu is the master's (manual 004 §4.1)
    assert error_codes(refused)


def test_the_demo_company_went_through_the_services(django_capture_on_commit_callbacks):
    seed_demo(django_capture_on_commit_callbacks)
    corporate = Corporate.objects.get(site__slug="onnuri-biz")
    assert corporate.status == Corporate.Status.APPROVED
    assert corporate.reviewed_by.username == "operator1"
    events = list(CorporateEvent.objects.filter(corporate=corporate).values_list("type", flat=True))
    assert events == [
        "signed_up",
        "approved",
        "account_approved",
        "admin_invited",
        "admin_joined",
    ]
    roles = set(CorporateManager.objects.filter(corporate=corporate).values_list("role", flat=True))
    assert roles == {"master", "general"}
    for manager in CorporateManager.objects.filter(corporate=corporate).select_related("member"):
        assert manager.member.status == Member.Status.ACTIVE
        assert manager.member.ci_hash  # verified, as a sign-up makes it
        assert manager.member.consent_records.filter(agreed=True).exists()
    assert Invitation.objects.get(corporate=corporate).status == Invitation.Status.ACCEPTED
    account = BankAccount.objects.get(corporate=corporate)
    assert account.status == BankAccount.Status.IN_USE and account.holder == corporate.name


def test_seed_demo_is_idempotent(django_capture_on_commit_callbacks):
    models = (
        Member,
        Corporate,
        CorporateManager,
        CorporateEvent,
        Invitation,
        BankAccount,
        Purchase,
        PurchaseEvent,
    )
    first = seed_demo(django_capture_on_commit_callbacks)
    counts = [model.objects.count() for model in models]
    master = Member.objects.get(site__slug="onnuri-biz", username="demomaster")
    master.failed_login_count = 3
    master.save(update_fields=["failed_login_count"])
    assert seed_demo(django_capture_on_commit_callbacks) == first
    assert [model.objects.count() for model in models] == counts
    master.refresh_from_db()
    assert master.failed_login_count == 0  # reset, like the other demo accounts


def test_the_demo_dashboard_shows_an_approved_purchase_and_a_pending_one(
    api, django_capture_on_commit_callbacks
):
    """Issue 10: demomaster requested both, operator1 approved the first (after its deposit),
    so the dashboard has a balance to send gifts from and the history a request waiting."""
    output = seed_demo(django_capture_on_commit_callbacks)
    assert "5,000,000" in output and "1,000,000" in output
    master_id, master_password = credentials(output)[("onnuri-biz", "master")]
    headers = log_in(api, django_capture_on_commit_callbacks, master_id, master_password)
    headers.pop("texted")

    summary = api.get(f"{SITE}purchases/summary/", **headers)
    assert summary.status_code == 200, summary.json()
    cards = summary.json()
    assert (cards["balance"], cards["approved_total"]) == (5_000_000, 5_000_000)
    assert cards["last_purchase_amount"] == 1_000_000
    assert cards["registered_accounts"] == 1

    history = api.get(f"{SITE}purchases/", **headers)
    assert history.status_code == 200, history.json()
    rows = history.json()["results"]
    assert [(r["status"], r["amount"], r["balance"]) for r in rows] == [
        ("pending", 1_000_000, 0),
        ("approved", 5_000_000, 5_000_000),
    ]
    assert rows[1]["deposit_amount"] == 4_750_000  # 5% off, within the discount limit
    assert rows[1]["expires_at"]


def test_the_demo_purchases_went_through_the_services(django_capture_on_commit_callbacks):
    seed_demo(django_capture_on_commit_callbacks)
    approved, pending = Purchase.objects.order_by("created_at", "id")
    assert (approved.status, pending.status) == ("approved", "pending")
    assert {approved.requested_by.username, pending.requested_by.username} == {"demomaster"}
    assert approved.approved_by.username == "operator1"
    events = [
        (e.purchase_id, e.type, e.actor.username)
        for e in PurchaseEvent.objects.order_by("created_at", "id")
    ]
    assert events == [
        (approved.pk, "requested", "demomaster"),
        (approved.pk, "approved", "operator1"),
        (pending.pk, "requested", "demomaster"),
    ]
    texted = OutboxMessage.objects.get(purpose="purchase_approved")
    assert texted.to == approved.requested_by.mobile


def test_a_company_with_purchases_gets_no_more_from_seed_demo(
    api, django_capture_on_commit_callbacks
):
    """The demo's purchases are made once: later runs add none, even after the demo company
    cancelled its pending one through the API."""
    output = seed_demo(django_capture_on_commit_callbacks)
    pending = Purchase.objects.get(status="pending")
    master_id, master_password = credentials(output)[("onnuri-biz", "master")]
    headers = log_in(api, django_capture_on_commit_callbacks, master_id, master_password)
    headers.pop("texted")
    cancelled = api.post(f"{SITE}purchases/{pending.pk}/cancel/", **headers)
    assert cancelled.status_code == 200, cancelled.json()

    seed_demo(django_capture_on_commit_callbacks)

    assert sorted(Purchase.objects.values_list("status", flat=True)) == ["approved", "cancelled"]
