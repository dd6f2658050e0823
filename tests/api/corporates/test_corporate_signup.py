"""기업 신규 가입 over HTTP (manual 004 §1.1; SPEC §7.1, §13, §14)."""

from pathlib import Path

import pytest
from django.conf import settings

from domain.audit.models import AuditEvent
from domain.consents.models import ConsentRecord
from domain.corporates.models import BankAccount, Corporate, CorporateEvent, CorporateManager
from domain.corporates.terms import default_terms
from domain.members.models import Member
from domain.messaging.backends import locmem
from tests.conftest import bearer_for, error_codes
from tests.factories.corporates import CorporateFactory

from . import (
    BUSINESS_NUMBER,
    COMPANY,
    MANAGER_PHONE,
    ONNURI,
    PASSWORD,
    URL,
    manager_identity,
    pdf_file,
    sign_up,
)

pytestmark = pytest.mark.django_db

LOGIN = f"/api/v1/sites/{ONNURI}/auth/token/"


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    locmem.outbox.clear()
    yield
    locmem.outbox.clear()


@pytest.fixture
def token(verify):
    return verify(ONNURI, "sign_up", manager_identity())


@pytest.fixture
def staff(member_factory, site_of):
    return member_factory(site=site_of(ONNURI), username="operator1x", staff=True)


def stored_files() -> list[Path]:
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def login(api, username="bizmaster1", password=PASSWORD):
    return api.post(LOGIN, {"username": username, "password": password}, format="json")


def test_sign_up_is_pending_until_staff_approve_then_the_manager_can_log_in(
    api, token, staff, django_capture_on_commit_callbacks
):
    created = sign_up(api, token)

    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["status"] == "pending_review"
    assert (body["name"], body["business_number"]) == (COMPANY, BUSINESS_NUMBER)
    assert body["detail"]
    corporate = Corporate.objects.get(pk=body["id"])
    terms = default_terms(120)
    assert corporate.status == Corporate.Status.PENDING_REVIEW
    assert (
        corporate.discount_rate,
        corporate.monthly_discount_limit,
        corporate.monthly_purchase_limit,
    ) == (terms.discount_rate, terms.monthly_discount_limit, terms.monthly_purchase_limit)
    assert corporate.representative_phone == "0212345678"
    assert corporate.registration_certificate_type == "application/pdf"
    manager = CorporateManager.objects.select_related("member").get(corporate=corporate)
    member = manager.member
    assert manager.role == CorporateManager.Role.MASTER
    assert (manager.department, manager.position) == ("총무팀", "대리")
    assert member.kind == "corporate_manager"
    assert member.status == Member.Status.PENDING
    assert (member.name, member.mobile) == ("김담당", MANAGER_PHONE)  # from the verification
    account = BankAccount.objects.get(corporate=corporate)
    assert account.status == BankAccount.Status.PENDING
    assert (account.number, account.holder, account.bankbook_content_type) == (
        "70010012345",
        COMPANY,
        "image/png",
    )
    assert ConsentRecord.objects.filter(member=member, agreed=True).count() >= 3
    assert CorporateEvent.objects.filter(corporate=corporate, type="signed_up").exists()
    assert AuditEvent.objects.filter(member=member, type=AuditEvent.Type.MEMBER_CREATED).exists()
    files = stored_files()
    assert len(files) == 3
    # Random names under the corporates folder, never the client's file names.
    assert all("certificate" not in path.name and "bankbook" not in path.name for path in files)
    assert {corporate.registration_certificate, corporate.headcount_document, account.bankbook} == {
        str(path.relative_to(settings.PRIVATE_MEDIA_ROOT)) for path in files
    }

    refused = login(api)
    assert refused.status_code == 401
    assert error_codes(refused) == ["account_pending_review"]

    with django_capture_on_commit_callbacks(execute=True):
        approved = api.post(f"{URL}{corporate.pk}/approve/", **bearer_for(staff))
    assert approved.status_code == 200, approved.json()
    assert approved.json()["status"] == "approved"
    assert locmem.outbox[-1].to == MANAGER_PHONE
    assert "승인" in locmem.outbox[-1].body
    member.refresh_from_db()
    account.refresh_from_db()
    assert member.status == Member.Status.ACTIVE
    assert account.status == BankAccount.Status.IN_USE
    assert CorporateEvent.objects.filter(corporate=corporate, type="approved").exists()

    with django_capture_on_commit_callbacks(execute=True):
        allowed = login(api)
    assert allowed.status_code == 200, allowed.json()
    assert allowed.json()["otp_required"] is True


def _nothing_created() -> None:
    assert (
        not Corporate.objects.filter(business_number__in=[BUSINESS_NUMBER, "2208162517"])
        .exclude(name="기존기업")
        .exists()
    )
    assert not Member.objects.filter(kind="corporate_manager").exists()
    assert stored_files() == []


@pytest.mark.parametrize(
    "overrides,code,attr",
    [
        ({"business_number": "124-81-00999"}, "invalid_business_number", "business_number"),
        ({"account_holder": "(주)다른회사"}, "account_holder_mismatch", "account_holder"),
        (
            {"registration_certificate": pdf_file("virus.pdf", b"MZ\x90\x00\x03" + b"\x00" * 64)},
            "unsupported_file_type",
            "registration_certificate",
        ),
        (
            {"headcount_document": pdf_file("big.pdf", b"%PDF-1.4\n" + b"0" * (11 * 1024 * 1024))},
            "file_too_large",
            "headcount_document",
        ),
        ({"bankbook": pdf_file("empty.pdf", b"")}, "file_empty", "bankbook"),
        ({"bank_code": "999"}, "invalid_bank", "bank_code"),
        ({"account_number": "12345"}, "invalid_account_number", "account_number"),
        ({"representative_phone": "02-12"}, "invalid_phone", "representative_phone"),
        ({"password_confirm": "Bright!Sky2025"}, "password_mismatch", "password_confirm"),
        ({"password": "short1!A", "password_confirm": "short1!A"}, "password_length", "password"),
        ({"username": "Biz"}, "username_length", "username"),
    ],
)
def test_a_bad_input_is_refused_with_its_code_and_changes_nothing(
    api, token, overrides, code, attr
):
    refused = sign_up(api, token, **overrides)

    assert refused.status_code == 400, refused.json()
    assert (code, attr) in [(e["code"], e["attr"]) for e in refused.json()["errors"]]
    _nothing_created()
    # The verification was not used: the corrected form goes through with the same token.
    assert sign_up(api, token).status_code == 201


def test_a_taken_business_number_is_refused(api, token):
    CorporateFactory(business_number=BUSINESS_NUMBER, name="기존기업")

    refused = sign_up(api, token)

    assert refused.status_code == 400
    assert error_codes(refused) == ["business_number_taken"]
    assert Corporate.objects.count() == 1
    _nothing_created()
    other = sign_up(api, token, business_number="220-81-62517")
    assert other.status_code == 201, other.json()


def test_field_errors_are_reported_together(api, token):
    refused = sign_up(
        api,
        token,
        business_number="1248100999",
        bank_code="000",
        account_holder="다른이름",
        password_confirm="nope",
    )

    assert refused.status_code == 400
    assert set(error_codes(refused)) >= {
        "invalid_business_number",
        "invalid_bank",
        "account_holder_mismatch",
        "password_mismatch",
    }
    _nothing_created()


def test_consents_must_be_json_and_the_required_ones_agreed(api, token):
    broken = sign_up(api, token, consents="[{not json")
    assert broken.status_code == 400
    assert [(e["code"], e["attr"]) for e in broken.json()["errors"]] == [("invalid", "consents")]

    refused = sign_up(api, token, consents="[]")
    assert refused.status_code == 400
    assert error_codes(refused) == ["consent_required"]
    assert "bc_card_third_party" in refused.json()["errors"][0]["missing"]
    _nothing_created()


def test_the_same_person_cannot_register_a_second_corporate(api, verify, token):
    assert sign_up(api, token).status_code == 201
    second_token = verify(ONNURI, "sign_up", manager_identity())

    refused = sign_up(
        api,
        second_token,
        business_number="2208162517",
        username="bizmaster2",
    )

    assert refused.status_code == 400
    assert error_codes(refused) == ["already_registered"]
    assert Corporate.objects.count() == 1
    assert len(stored_files()) == 3  # the refused sign-up's files were removed


def test_an_unknown_verification_token_is_refused(api, token):
    refused = sign_up(api, token + "x")
    assert refused.status_code == 400
    assert error_codes(refused) == ["verification_token_invalid"]
    _nothing_created()


def test_sign_up_exists_only_where_the_site_has_corporates(api):
    response = api.post("/api/v1/sites/incheon-water/corporates/", {}, format="multipart")
    assert response.status_code == 404
    assert error_codes(response) == ["feature_not_available"]


def test_an_empty_form_names_every_missing_field(api):
    response = api.post(URL, {}, format="multipart")
    assert response.status_code == 400
    attrs = {e["attr"] for e in response.json()["errors"]}
    assert {"company_name", "registration_certificate", "bankbook", "verification_token"} <= attrs
