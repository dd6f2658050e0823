"""Helpers for the SNS, re-verification, name change and manual endpoint tests."""

import io
from datetime import date

from reportlab.pdfgen import canvas

from domain.common.hashing import keyed_hash
from domain.verifications.providers.sandbox import sandbox_ci
from tests.factories.members import DEFAULT_PASSWORD

SITE = "/api/v1/sites/{}/"
ANIMAL = "animal-protection"
YONGIN = "yongin-library"


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def headers_for(api, member) -> dict:
    """Log `member` in over HTTP; the Authorization header for its access token."""
    response = api.post(
        f"{SITE.format(member.site.slug)}auth/token/",
        {"username": member.username, "password": DEFAULT_PASSWORD},
        format="json",
    )
    assert response.status_code == 200, response.json()
    return bearer(response.json()["access"])


def ci_hash_of(name: str, birth_date: str, gender: str = "male") -> str:
    """The stored CI hash of the sandbox person (SPEC §12: the phone plays no part)."""
    ci, _ = sandbox_ci(name, date.fromisoformat(birth_date), gender)
    return keyed_hash(ci, purpose="ci")


def pdf_bytes() -> bytes:
    buffer = io.BytesIO()
    document = canvas.Canvas(buffer, invariant=1)  # same bytes every time
    document.drawString(72, 720, "Certificate of name change")
    document.save()
    return buffer.getvalue()
