"""Helpers shared by the member tests: accounts, sign-up, SNS, re-verification, name changes."""

import io
import re
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from reportlab.pdfgen import canvas

from domain.audit.services import RequestContext
from domain.common.hashing import keyed_hash
from domain.consents.services import consents_agree_all_required
from domain.verifications.providers.sandbox import sandbox_ci
from tests.conftest import identity
from tests.factories.members import DEFAULT_PASSWORD

SITE = "/api/v1/sites/{}/"
ANIMAL = "animal-protection"
YONGIN = "yongin-library"
NAME_CHANGES_URL = SITE.format(ANIMAL) + "name-change-requests/"
NEW_NAME = "홍길순"
PERSON = {"name": "홍길동", "birth_date": "1990-01-01", "gender": "male", "phone": "01012345678"}


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


def person_member(
    member_factory,
    *,
    name=PERSON["name"],
    birth_date=PERSON["birth_date"],
    gender=PERSON["gender"],
    phone=PERSON["phone"],
    consented=True,
    **fields,
):
    """A member who is the sandbox person (name, birth date, gender; mobile `phone`) and has
    agreed to the site's required documents (so no consent_required answer gets in the way)."""
    fields.setdefault("ci_hash", ci_hash_of(name, birth_date, gender))
    member = member_factory(
        name=name,
        birth_date=date.fromisoformat(birth_date),
        gender=gender,
        mobile=phone,
        **fields,
    )
    if consented:
        consents_agree_all_required(member=member, context=RequestContext(), source="sign_up")
    return member


def temporary_password_from(text: str) -> str:
    return re.search(r"임시 비밀번호: (\S+)", text).group(1)


def pdf_bytes() -> bytes:
    buffer = io.BytesIO()
    document = canvas.Canvas(buffer, invariant=1)  # same bytes every time
    document.drawString(72, 720, "Certificate of name change")
    document.save()
    return buffer.getvalue()


def evidence(content=None, name="cert.pdf", content_type="application/pdf"):
    return SimpleUploadedFile(
        name, pdf_bytes() if content is None else content, content_type=content_type
    )


def file_request(
    api,
    verify,
    member,
    *,
    name=NEW_NAME,
    verified_name=NEW_NAME,
    file=None,
    birth_date="1990-01-01",
):
    headers = headers_for(api, member)
    token = verify(
        ANIMAL,
        "profile_update",
        identity(name=verified_name, birth_date=birth_date),
        headers=headers,
    )
    return api.post(
        NAME_CHANGES_URL,
        {"requested_name": name, "evidence": file or evidence(), "verification_token": token},
        format="multipart",
        **headers,
    )
