"""Helpers shared by the member account tests."""

import re
from datetime import date

from domain.audit.services import RequestContext
from domain.common.hashing import keyed_hash
from domain.consents.services import consents_agree_all_required
from domain.verifications.providers.sandbox import sandbox_ci

SITE = "/api/v1/sites/{}/"
PERSON = {"name": "홍길동", "birth_date": "1990-01-01", "gender": "male", "phone": "01012345678"}


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


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
