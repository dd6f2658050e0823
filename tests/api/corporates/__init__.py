"""Helpers for the onnuri-biz corporate sign-up and review tests (manual 004 §1.1; SPEC §7.1)."""

import io
import json

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.api.signup_flow import agree_all
from tests.conftest import identity

ONNURI = "onnuri-biz"
URL = f"/api/v1/sites/{ONNURI}/corporates/"
COMPANY = "(주)온누리테스트"
BUSINESS_NUMBER = "1248100998"
PASSWORD = "Bright!Sky2024"
MANAGER_PHONE = "01055551234"

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
