"""Bank accounts over HTTP: list, add request, delete, staff approval, bankbook (SPEC §7.2, §8,
§13, §14; manual 004 §2.3 계좌추가/삭제)."""

import io

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from reportlab.pdfgen import canvas

from domain.audit.models import AuditEvent
from domain.corporates.models import BankAccount, Corporate, CorporateEvent
from domain.messaging.backends import locmem
from tests.conftest import bearer_for, error_codes
from tests.factories.corporates import CorporateFactory, corporate_with_master, manager_create

pytestmark = pytest.mark.django_db

SITE = "onnuri-biz"
URL = f"/api/v1/sites/{SITE}/accounts/"
MASTER_MOBILE = "01055554444"
Status = BankAccount.Status


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    locmem.outbox.clear()
    yield
    locmem.outbox.clear()


def pdf_bytes() -> bytes:
    buffer = io.BytesIO()
    document = canvas.Canvas(buffer, invariant=1)
    document.drawString(72, 720, "Bankbook copy")
    document.save()
    return buffer.getvalue()


def bankbook(content: bytes | None = None, name: str = "bankbook.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, pdf_bytes() if content is None else content, content_type="application/pdf"
    )


def stored_bankbooks() -> list:
    folder = settings.PRIVATE_MEDIA_ROOT / "corporate-bankbooks"
    return list(folder.iterdir()) if folder.exists() else []


@pytest.fixture
def master():
    return corporate_with_master(username="master01", mobile=MASTER_MOBILE)


@pytest.fixture
def corporate(master) -> Corporate:
    return master.corporate


@pytest.fixture
def general(corporate):
    return manager_create(corporate=corporate, username="general01", role="general")


@pytest.fixture
def staff(member_factory, site_of):
    return member_factory(site=site_of(SITE), username="operator2x", staff=True)


@pytest.fixture
def other_master():
    return corporate_with_master(username="othermaster1", business_number="2208162517")


def in_use_of(corporate) -> BankAccount:
    return BankAccount.objects.get(corporate=corporate, status=Status.IN_USE)


def add(api, manager, **fields):
    data = {
        "bank_code": "088",
        "account_number": "110-123-456789",
        "holder": manager.corporate.name,
        "bankbook": bankbook(),
        **fields,
    }
    return api.post(URL, data, format="multipart", **bearer_for(manager.member))


# --- list ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["master", "general"])
def test_admins_list_their_corporates_accounts_masked(api, master, general, other_master, role):
    manager = master if role == "master" else general
    response = api.get(URL, **bearer_for(manager.member))
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["count"] == 1
    item = body["results"][0]
    assert item["id"] == in_use_of(master.corporate).pk
    assert (item["bank_code"], item["bank_name"]) == ("089", "케이뱅크")
    assert item["number"] == "700100*****"
    assert item["holder"] == master.corporate.name
    assert item["status"] == "in_use"
    assert {"created_at", "approved_at"} <= item.keys()


def test_staff_list_every_corporate_with_filters(api, master, other_master, staff):
    headers = bearer_for(staff)
    everything = api.get(URL, **headers)
    assert everything.status_code == 200
    assert everything.json()["count"] == 2
    assert {item["number"] for item in everything.json()["results"]} == {"700100*****"}

    one = api.get(URL, {"corporate": other_master.corporate_id}, **headers)
    assert [item["corporate"] for item in one.json()["results"]] == [other_master.corporate_id]
    pending = api.get(URL, {"status": "pending"}, **headers)
    assert pending.json()["count"] == 0
    bad = api.get(URL, {"status": "unknown"}, **headers)
    assert bad.status_code == 400


def test_anonymous_is_401(api, master):
    assert api.get(URL).status_code == 401
    assert api.post(URL, {}, format="multipart").status_code == 401


# --- add request -----------------------------------------------------------------------------


def test_master_adds_an_account_request(api, master):
    response = add(api, master)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "pending"
    assert body["number"] == "110123******"
    assert body["bank_name"] == "신한"
    created = BankAccount.objects.get(pk=body["id"])
    assert created.number == "110123456789"
    assert created.requested_by == master.member
    assert created.bankbook_content_type == "application/pdf"
    assert len(stored_bankbooks()) == 1
    event = CorporateEvent.objects.get(corporate=master.corporate, type="account_requested")
    assert event.parameters == {"account_id": created.pk}
    # The account in use stays in use until staff approve.
    assert in_use_of(master.corporate).number == "70010012345"


@pytest.mark.parametrize("who", ["general", "staff"])
def test_only_the_master_adds(api, general, staff, who):
    caller = general.member if who == "general" else staff
    response = api.post(
        URL,
        {
            "bank_code": "088",
            "account_number": "110123456789",
            "holder": general.corporate.name,
            "bankbook": bankbook(),
        },
        format="multipart",
        **bearer_for(caller),
    )
    assert response.status_code == 404
    assert not BankAccount.objects.filter(status=Status.PENDING).exists()


@pytest.mark.parametrize(
    "fields,code",
    [
        (lambda: {"holder": "(주)다른회사"}, "account_holder_mismatch"),
        (lambda: {"bank_code": "999"}, "invalid_bank"),
        (lambda: {"account_number": "12345"}, "invalid_account_number"),
        (lambda: {"account_number": "1234567890123456"}, "invalid_account_number"),
        (lambda: {"account_number": "11012345678a"}, "invalid_account_number"),
        (lambda: {"account_number": "１１０１２３４５６７８９"}, "invalid_account_number"),
        # A Windows executable renamed .pdf: the type is read from the content (SPEC §14).
        (lambda: {"bankbook": bankbook(b"MZ\x90\x00" + b"\x00" * 512)}, "unsupported_file_type"),
        (
            lambda: {"bankbook": bankbook(b"%PDF-1.4\n" + b"0" * (11 * 1024 * 1024))},
            "file_too_large",
        ),
    ],
    ids=["holder", "bank", "short", "long", "letters", "fullwidth", "exe", "11mb"],
)
def test_refused_requests_create_nothing(api, master, fields, code):
    before = BankAccount.objects.count()
    response = add(api, master, **fields())
    assert response.status_code == 400, response.json()
    assert error_codes(response) == [code]
    assert BankAccount.objects.count() == before
    assert stored_bankbooks() == []
    assert not CorporateEvent.objects.filter(type="account_requested").exists()


def test_one_pending_request_at_a_time(api, master):
    assert add(api, master).status_code == 201
    second = add(api, master, account_number="3521132012345")
    assert second.status_code == 409
    assert error_codes(second) == ["account_request_pending"]
    assert BankAccount.objects.filter(status=Status.PENDING).count() == 1
    assert len(stored_bankbooks()) == 1


def test_the_account_in_use_cannot_be_requested_again(api, master):
    response = add(api, master, bank_code="089", account_number="700-100-12345")
    assert response.status_code == 409
    assert error_codes(response) == ["account_already_registered"]
    assert stored_bankbooks() == []


# --- delete ----------------------------------------------------------------------------------


def test_master_deletes_a_pending_request(api, master):
    account_id = add(api, master).json()["id"]
    headers = bearer_for(master.member)
    response = api.delete(f"{URL}{account_id}/", **headers)
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "deleted"
    deleted = BankAccount.objects.get(pk=account_id)
    assert (deleted.status, deleted.deleted_at is not None) == (Status.DELETED, True)
    assert CorporateEvent.objects.filter(type="account_request_deleted").count() == 1

    again = api.delete(f"{URL}{account_id}/", **headers)
    assert again.status_code == 409
    assert error_codes(again) == ["invalid_transition"]
    # Deleted requests stay in the list (manual 004 §2.3 "삭제된 계좌 목록").
    listed = api.get(URL, {"status": "deleted"}, **headers).json()
    assert [item["id"] for item in listed["results"]] == [account_id]
    # A new request may follow.
    assert add(api, master, account_number="3521132012345").status_code == 201


def test_the_account_in_use_cannot_be_deleted(api, master):
    account = in_use_of(master.corporate)
    response = api.delete(f"{URL}{account.pk}/", **bearer_for(master.member))
    assert response.status_code == 409
    assert error_codes(response) == ["account_in_use"]
    assert in_use_of(master.corporate) == account


def test_general_admin_cannot_delete(api, master, general):
    account_id = add(api, master).json()["id"]
    response = api.delete(f"{URL}{account_id}/", **bearer_for(general.member))
    assert response.status_code == 404
    assert BankAccount.objects.get(pk=account_id).status == Status.PENDING


# --- approve ---------------------------------------------------------------------------------


def test_staff_approval_swaps_the_account_in_use_and_texts_the_master(
    api, master, staff, django_capture_on_commit_callbacks
):
    old = in_use_of(master.corporate)
    new_id = add(api, master).json()["id"]
    headers = bearer_for(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"{URL}{new_id}/approve/", **headers)
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "in_use"
    assert response.json()["approved_at"]
    in_use = BankAccount.objects.filter(corporate=master.corporate, status=Status.IN_USE)
    assert [account.pk for account in in_use] == [new_id]
    old.refresh_from_db()
    assert (old.status, old.deleted_at is not None) == (Status.DELETED, True)
    assert BankAccount.objects.get(pk=new_id).approved_by == staff
    event = CorporateEvent.objects.get(type="account_approved")
    assert event.parameters == {"account_id": new_id, "retired_account_id": old.pk}
    assert event.actor == staff
    retired = CorporateEvent.objects.get(type="account_retired")
    assert retired.parameters == {"account_id": old.pk, "replaced_by_account_id": new_id}
    assert locmem.outbox[-1].to == MASTER_MOBILE
    assert "승인" in locmem.outbox[-1].body
    assert "110123" in locmem.outbox[-1].body
    assert "110123456789" not in locmem.outbox[-1].body

    again = api.post(f"{URL}{new_id}/approve/", **headers)
    assert again.status_code == 409
    assert error_codes(again) == ["invalid_transition"]


def test_only_staff_approve(api, master, general):
    account_id = add(api, master).json()["id"]
    for manager in (master, general):
        response = api.post(f"{URL}{account_id}/approve/", **bearer_for(manager.member))
        assert response.status_code == 404
    assert BankAccount.objects.get(pk=account_id).status == Status.PENDING


def test_approval_needs_an_approved_corporate(api, staff):
    corporate = CorporateFactory(
        business_number="1208147521", status=Corporate.Status.PENDING_REVIEW
    )
    account = BankAccount.objects.create(
        corporate=corporate,
        bank_code="088",
        number="110123456789",
        holder=corporate.name,
        bankbook="corporate-bankbooks/x.pdf",
        bankbook_content_type="application/pdf",
    )
    response = api.post(f"{URL}{account.pk}/approve/", **bearer_for(staff))
    assert response.status_code == 409
    assert error_codes(response) == ["corporate_not_approved"]
    account.refresh_from_db()
    assert account.status == Status.PENDING


# --- reject ----------------------------------------------------------------------------------


def test_staff_reject_a_request_with_a_reason_texted_to_the_master(
    api, master, staff, django_capture_on_commit_callbacks
):
    old = in_use_of(master.corporate)
    account_id = add(api, master).json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            f"{URL}{account_id}/reject/",
            {"reason": "통장사본의 예금주가 상호명과 다릅니다."},
            format="json",
            **bearer_for(staff),
        )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["status"], body["reject_reason"]) == (
        "deleted",
        "통장사본의 예금주가 상호명과 다릅니다.",
    )
    assert body["deleted_at"]
    assert in_use_of(master.corporate) == old  # the account in use is untouched
    event = CorporateEvent.objects.get(type="account_rejected")
    assert event.actor == staff
    assert event.parameters == {
        "account_id": account_id,
        "reason": "통장사본의 예금주가 상호명과 다릅니다.",
    }
    sms = locmem.outbox[-1]
    assert sms.to == MASTER_MOBILE
    assert "반려" in sms.body and "예금주가 상호명과 다릅니다" in sms.body
    assert "110123" in sms.body and "110123456789" not in sms.body
    # The master sees why, and may ask again.
    listed = api.get(f"{URL}{account_id}/", **bearer_for(master.member)).json()
    assert listed["reject_reason"] == "통장사본의 예금주가 상호명과 다릅니다."
    assert add(api, master).status_code == 201

    again = api.post(
        f"{URL}{account_id}/reject/", {"reason": "again"}, format="json", **bearer_for(staff)
    )
    assert again.status_code == 409
    assert error_codes(again) == ["invalid_transition"]


@pytest.mark.parametrize(
    "reason,code",
    [("", "reason_required"), ("   ", "reason_required"), ("🙂", "unsupported_character")],
)
def test_reject_needs_a_sendable_reason(api, master, staff, reason, code):
    account_id = add(api, master).json()["id"]
    response = api.post(
        f"{URL}{account_id}/reject/", {"reason": reason}, format="json", **bearer_for(staff)
    )
    assert response.status_code == 400
    assert error_codes(response) == [code]
    assert BankAccount.objects.get(pk=account_id).status == Status.PENDING
    assert not CorporateEvent.objects.filter(type="account_rejected").exists()


def test_the_account_in_use_cannot_be_rejected(api, master, staff):
    in_use = in_use_of(master.corporate)
    response = api.post(
        f"{URL}{in_use.pk}/reject/", {"reason": "사용 중"}, format="json", **bearer_for(staff)
    )
    assert response.status_code == 409
    assert error_codes(response) == ["invalid_transition"]
    assert in_use_of(master.corporate) == in_use


def test_only_the_sites_staff_reject(api, master, general, other_master, member_factory, site_of):
    account_id = add(api, master).json()["id"]
    elsewhere = member_factory(site=site_of("incheon-water"), username="operator3x", staff=True)
    for headers in (
        bearer_for(master.member),
        bearer_for(general.member),
        bearer_for(other_master.member),
        bearer_for(elsewhere),
    ):
        response = api.post(f"{URL}{account_id}/reject/", {"reason": "x"}, format="json", **headers)
        assert response.status_code in (401, 404), response.json()
    assert BankAccount.objects.get(pk=account_id).status == Status.PENDING


# --- scope and the bankbook ------------------------------------------------------------------


def test_another_corporates_master_gets_404(api, master, other_master):
    pending_id = add(api, master).json()["id"]
    in_use_id = in_use_of(master.corporate).pk
    headers = bearer_for(other_master.member)
    for account_id in (pending_id, in_use_id):
        assert api.get(f"{URL}{account_id}/", **headers).status_code == 404
        assert api.delete(f"{URL}{account_id}/", **headers).status_code == 404
        bankbook_response = api.get(f"{URL}{account_id}/bankbook/", **headers)
        assert bankbook_response.status_code == 404
        assert error_codes(bankbook_response) == ["bank_account_not_found"]
    assert BankAccount.objects.get(pk=pending_id).status == Status.PENDING
    listed = api.get(URL, **bearer_for(other_master.member)).json()
    assert pending_id not in {item["id"] for item in listed["results"]}


def test_bankbook_download_for_admins_and_staff_with_access_log(api, master, general, staff):
    account_id = add(api, master).json()["id"]
    for member in (master.member, general.member):
        response = api.get(f"{URL}{account_id}/bankbook/", **bearer_for(member))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content) == pdf_bytes()
    assert not AuditEvent.objects.filter(type=AuditEvent.Type.PERSONAL_DATA_VIEWED).exists()

    response = api.get(f"{URL}{account_id}/bankbook/", **bearer_for(staff))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == pdf_bytes()
    log = AuditEvent.objects.get(type=AuditEvent.Type.PERSONAL_DATA_VIEWED)
    assert (log.actor, log.member) == (staff, master.member)
    assert log.parameters["what"] == "bankbook"
    assert log.parameters["account_id"] == account_id


def test_single_account_detail(api, master, staff):
    account = in_use_of(master.corporate)
    for member in (master.member, staff):
        response = api.get(f"{URL}{account.pk}/", **bearer_for(member))
        assert response.status_code == 200
        assert response.json()["number"] == "700100*****"
    assert api.delete(f"{URL}{account.pk}/", **bearer_for(staff)).status_code == 404
