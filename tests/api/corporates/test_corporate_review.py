"""The operator's review of corporate sign-ups, terms, reads and documents (SPEC §7.1, §8, §14)."""

from decimal import Decimal

import pytest

from domain.audit.models import AuditEvent
from domain.corporates.models import BankAccount, Corporate, CorporateEvent, CorporateManager
from domain.members.models import Member
from domain.messaging.backends import locmem
from tests.conftest import bearer_for, error_codes
from tests.factories.corporates import corporate_with_master, manager_create

from . import ONNURI, PASSWORD, PDF, URL, manager_identity, png_bytes, sign_up

pytestmark = pytest.mark.django_db

VIEWED = AuditEvent.Type.PERSONAL_DATA_VIEWED


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    locmem.outbox.clear()
    yield
    locmem.outbox.clear()


@pytest.fixture
def staff(member_factory, site_of):
    return member_factory(site=site_of(ONNURI), username="operator1x", staff=True)


@pytest.fixture
def pending(api, verify) -> Corporate:
    """A corporate signed up over HTTP with real files, waiting for review."""
    response = sign_up(api, verify(ONNURI, "sign_up", manager_identity()))
    assert response.status_code == 201, response.json()
    return Corporate.objects.get(pk=response.json()["id"])


@pytest.fixture
def approved(api, pending, staff) -> Corporate:
    response = api.post(f"{URL}{pending.pk}/approve/", **bearer_for(staff))
    assert response.status_code == 200, response.json()
    pending.refresh_from_db()
    return pending


def master_of(corporate: Corporate) -> Member:
    return CorporateManager.objects.get(corporate=corporate, role="master").member


@pytest.fixture
def other_master():
    """The master of another, approved corporate."""
    return corporate_with_master(username="othermaster1", business_number="2208162517").member


def test_reject_needs_a_reason_then_tells_it_and_the_manager_cannot_log_in(
    api, pending, staff, django_capture_on_commit_callbacks
):
    url = f"{URL}{pending.pk}/reject/"
    for body in ({}, {"reason": "   "}):
        missing = api.post(url, body, format="json", **bearer_for(staff))
        assert missing.status_code == 400
        assert error_codes(missing) == ["reason_required"]
    pending.refresh_from_db()
    assert pending.status == Corporate.Status.PENDING_REVIEW

    with django_capture_on_commit_callbacks(execute=True):
        rejected = api.post(
            url, {"reason": "통장사본의 예금주가 다릅니다"}, format="json", **bearer_for(staff)
        )
    assert rejected.status_code == 200, rejected.json()
    assert rejected.json()["status"] == "rejected"
    assert rejected.json()["reject_reason"] == "통장사본의 예금주가 다릅니다"
    assert "통장사본의 예금주가 다릅니다" in locmem.outbox[-1].body
    master = master_of(pending)
    assert master.status == Member.Status.REJECTED
    assert not BankAccount.objects.filter(corporate=pending, status="pending").exists()
    event = CorporateEvent.objects.get(corporate=pending, type="rejected")
    assert event.actor == staff

    refused = api.post(
        f"/api/v1/sites/{ONNURI}/auth/token/",
        {"username": master.username, "password": PASSWORD},
        format="json",
    )
    assert refused.status_code == 401
    assert error_codes(refused) == ["account_rejected"]

    again = api.post(f"{URL}{pending.pk}/approve/", **bearer_for(staff))
    assert again.status_code == 409
    assert error_codes(again) == ["invalid_transition"]


def test_only_staff_review(api, pending, other_master):
    for path in ("approve/", "reject/"):
        response = api.post(
            f"{URL}{pending.pk}/{path}", {"reason": "x"}, format="json", **bearer_for(other_master)
        )
        assert response.status_code == 404
    anonymous = api.post(f"{URL}{pending.pk}/approve/")
    assert anonymous.status_code == 401
    pending.refresh_from_db()
    assert pending.status == Corporate.Status.PENDING_REVIEW


def test_staff_list_is_paginated_masked_and_filtered(api, pending, staff, other_master):
    listed = api.get(URL, **bearer_for(staff))
    assert listed.status_code == 200, listed.json()
    body = listed.json()
    assert body["count"] == 2
    assert {row["representative_name"] for row in body["results"]} == {"김대*"}
    only_pending = api.get(URL, {"status": "pending_review"}, **bearer_for(staff)).json()
    assert [row["id"] for row in only_pending["results"]] == [pending.pk]

    assert api.get(URL, **bearer_for(other_master)).status_code == 404


def test_staff_read_is_written_to_the_access_log(api, pending, staff):
    response = api.get(f"{URL}{pending.pk}/", **bearer_for(staff))

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["master"]["mobile"] == "01055551234"
    assert body["bank_accounts"][0]["number"] == "700100*****"  # masked (SPEC §13)
    assert {d["kind"] for d in body["documents"]} == {
        "registration_certificate",
        "headcount_document",
        "bankbook",
    }
    log = AuditEvent.objects.get(type=VIEWED)
    assert (log.actor, log.member) == (staff, master_of(pending))
    assert log.parameters == {"item": "corporate", "corporate_id": pending.pk}


def test_admins_read_their_own_corporate_without_staff_fields(api, approved, other_master):
    master = master_of(approved)
    general = manager_create(corporate=approved, username="generaladmin1").member

    for member in (master, general):
        own = api.get(f"{URL}{approved.pk}/", **bearer_for(member))
        assert own.status_code == 200, own.json()
        assert "master" not in own.json() and "bank_accounts" not in own.json()
        mine = api.get(f"{URL}mine/", **bearer_for(member))
        assert mine.status_code == 200, mine.json()
        assert mine.json()["id"] == approved.pk
        assert mine.json()["discount_rate"] == "5.00"
        assert mine.json()["account_in_use"]["number"] == "700100*****"
    assert not AuditEvent.objects.filter(type=VIEWED).exists()

    assert api.get(f"{URL}{approved.pk}/", **bearer_for(other_master)).status_code == 404


def test_staff_have_no_corporate_of_their_own(api, staff):
    assert api.get(f"{URL}mine/", **bearer_for(staff)).status_code == 404


def test_terms_are_set_by_staff_only_and_written_as_an_event(api, approved, staff):
    master = master_of(approved)
    url = f"{URL}{approved.pk}/"
    body = {"discount_rate": "7.50", "monthly_purchase_limit": 500_000_000}

    by_master = api.patch(url, body, format="json", **bearer_for(master))
    assert by_master.status_code == 404

    changed = api.patch(url, body, format="json", **bearer_for(staff))
    assert changed.status_code == 200, changed.json()
    assert changed.json()["discount_rate"] == "7.50"
    approved.refresh_from_db()
    assert approved.discount_rate == Decimal("7.50")
    assert approved.monthly_purchase_limit == 500_000_000
    event = CorporateEvent.objects.get(corporate=approved, type="terms_changed")
    assert event.actor == staff
    assert event.parameters["old"] == {
        "discount_rate": "5.00",
        "monthly_purchase_limit": 600_000_000,
    }
    assert event.parameters["new"] == {
        "discount_rate": "7.50",
        "monthly_purchase_limit": 500_000_000,
    }

    for bad in ({"discount_rate": "100.00"}, {"discount_rate": "-1"}, {"discount_rate": "5.555"}):
        refused = api.patch(url, bad, format="json", **bearer_for(staff))
        assert refused.status_code == 400, bad
    negative = api.patch(url, {"monthly_discount_limit": -1}, format="json", **bearer_for(staff))
    assert negative.status_code == 400
    approved.refresh_from_db()
    assert approved.discount_rate == Decimal("7.50")


@pytest.mark.parametrize(
    "kind,content",
    [("registration_certificate", PDF), ("headcount_document", PDF), ("bankbook", None)],
    ids=["registration_certificate", "headcount_document", "bankbook"],
)
def test_documents_are_for_the_own_admins_and_staff(
    api, approved, staff, other_master, kind, content
):
    url = f"{URL}{approved.pk}/documents/{kind}/"
    general = manager_create(corporate=approved, username="generaladmin1").member
    expected = png_bytes() if content is None else content

    for member in (master_of(approved), general):
        response = api.get(url, **bearer_for(member))
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == expected
        assert response["Cache-Control"] == "private, no-store"
    assert not AuditEvent.objects.filter(type=VIEWED).exists()

    by_staff = api.get(url, **bearer_for(staff))
    assert by_staff.status_code == 200
    assert b"".join(by_staff.streaming_content) == expected
    log = AuditEvent.objects.get(type=VIEWED)
    assert (log.actor, log.parameters["item"]) == (staff, f"corporate_{kind}")

    stranger = api.get(url, **bearer_for(other_master))
    assert stranger.status_code == 404
    assert AuditEvent.objects.filter(type=VIEWED).count() == 1


def test_unknown_document_kind_is_not_found(api, approved, staff):
    response = api.get(f"{URL}{approved.pk}/documents/passport/", **bearer_for(staff))
    assert response.status_code == 404
    assert error_codes(response) == ["document_not_found"]


def test_review_exists_only_where_the_site_has_corporates(api, member_factory, site_of):
    staff = member_factory(site=site_of("incheon-water"), username="operator2x", staff=True)
    response = api.get("/api/v1/sites/incheon-water/corporates/", **bearer_for(staff))
    assert response.status_code == 404
    assert error_codes(response) == ["feature_not_available"]


def test_admin_lets_staff_change_only_the_terms(client, approved, staff):
    client.force_login(staff)
    url = f"/admin/corporates/corporate/{approved.pk}/change/"

    page = client.get(url)
    assert page.status_code == 200
    assert AuditEvent.objects.filter(type=VIEWED, actor=staff).count() == 1

    saved = client.post(
        url,
        {
            "discount_rate": "6.00",
            "monthly_discount_limit": approved.monthly_discount_limit,
            "monthly_purchase_limit": approved.monthly_purchase_limit,
            "status": "rejected",  # read-only: ignored
            "_save": "Save",
        },
    )
    assert saved.status_code == 302
    approved.refresh_from_db()
    assert approved.discount_rate == Decimal("6.00")
    assert approved.status == Corporate.Status.APPROVED
    event = CorporateEvent.objects.get(corporate=approved, type="terms_changed")
    assert event.parameters == {
        "old": {"discount_rate": "5.00"},
        "new": {"discount_rate": "6.00"},
    }

    refused = client.post(
        url,
        {
            "discount_rate": "-1",
            "monthly_discount_limit": 0,
            "monthly_purchase_limit": 0,
            "_save": "Save",
        },
    )
    assert refused.status_code == 200  # the form again, with the error
    approved.refresh_from_db()
    assert approved.discount_rate == Decimal("6.00")
    assert client.get("/admin/corporates/corporate/").status_code == 200
