"""Helpers for the onnuri-biz corporate tests: sign-up and review (manual 004 §1.1; SPEC §7.1),
the members menu, invitations and 내 정보 (SPEC §7.1)."""

import io
import json
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from domain.messaging.backends import locmem
from tests.api.members.signup_flow import agree_all
from tests.conftest import identity, sms_code_from_outbox

ONNURI = "onnuri-biz"
URL = f"/api/v1/sites/{ONNURI}/corporates/"
COMPANY = "(주)온누리테스트"
BUSINESS_NUMBER = "1248100998"
PASSWORD = "Bright!Sky2024"
MANAGER_PHONE = "01055551234"
SITE = f"/api/v1/sites/{ONNURI}/"
MEMBERS = f"{SITE}corporate-members/"
INVITEE_MOBILE = "01055556666"
INVITEE = identity(name="김정호", birth_date="1988-03-04", phone=INVITEE_MOBILE)
NEW_PASSWORD = "Bright!Sky2024"

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def pdf_file(name: str = "certificate.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def png_file(name: str = "bankbook.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def manager_identity(**overrides) -> dict:
    return identity(**{"name": "김담당", "phone": MANAGER_PHONE, **overrides})


def sign_up_body(api, token: str, **overrides) -> dict:
    """A complete, valid multipart body; fresh file objects every call."""
    body = {
        "company_name": COMPANY,
        "business_number": "124-81-00998",
        "representative_name": "김대표",
        "representative_phone": "02-1234-5678",
        "registration_certificate": pdf_file(),
        "bank_code": "089",
        "account_number": "700-100-12345",
        "account_holder": COMPANY,
        "bankbook": png_file(),
        "headcount_document_type": "subscriber_list",
        "headcount_document": pdf_file("headcount.pdf"),
        "headcount": 120,
        "department": "총무팀",
        "position": "대리",
        "email": "manager@example.com",
        "username": "bizmaster1",
        "password": PASSWORD,
        "password_confirm": PASSWORD,
        "verification_token": token,
        "consents": json.dumps(agree_all(api, ONNURI, "corporate_manager")),
    }
    body.update(overrides)
    return body


def sign_up(api, token: str, **overrides):
    return api.post(URL, sign_up_body(api, token, **overrides), format="multipart")


def token_from_sms(body: str | None = None) -> str:
    """The join-link token of the last SMS (or of `body`)."""
    text = body if body is not None else locmem.outbox[-1].body
    return re.search(r"/join/([A-Za-z0-9_-]+)", text).group(1)


def accept_body(api, corporate, verification_token: str, *, username="newadmin01", **extra):
    body = {
        "company_name": corporate.name,
        "business_number": f"{corporate.business_number[:3]}-{corporate.business_number[3:5]}-"
        f"{corporate.business_number[5:]}",
        "department": "재무팀",
        "position": "과장",
        "email": f"{username}@example.com",
        "username": username,
        "password": NEW_PASSWORD,
        "password_confirm": NEW_PASSWORD,
        "verification_token": verification_token,
        "consents": agree_all(api, ONNURI, "corporate_manager"),
    }
    body.update(extra)
    return body


def login_with_otp(api, capture, username: str, password: str):
    """Password step, then the SMS code step (SPEC §5); returns the last response."""
    with capture(execute=True):
        first = api.post(
            f"{SITE}auth/token/", {"username": username, "password": password}, format="json"
        )
    if first.status_code != 200:
        return first
    assert first.json()["otp_required"] is True
    return api.post(
        f"{SITE}auth/token/otp/",
        {"verification_id": first.json()["verification_id"], "code": sms_code_from_outbox()},
        format="json",
    )
