"""Existing-member re-verification (animal-protection; manual 002 §II 기존회원 본인확인, SPEC §5).

After logging in, an existing member verifies again (mobile or i-PIN) before editing the
profile. The verified name must equal the stored one; otherwise nothing changes and the member
gets the manual's guidance (rename → name change request with the certificate; owner change →
the district office).
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from domain.audit.models import AuditEvent
from domain.audit.services import RequestContext, audit_record
from domain.common.errors import CommonErrorCode, DomainError, NotFound
from domain.verifications.models import Verification
from domain.verifications.services import verification_consume

from .errors import MemberErrorCode
from .models import Member

FEATURE = "re_verification"
RE_VERIFIED_FIELDS = ("birth_date", "gender", "mobile", "ci_hash", "di_hash")

# Manual 002 §II ※ and 1-1 … 1-3, in the order the manual gives them.
NAME_MISMATCH_MESSAGE = _(
    "The verified name differs from the name you signed up with, so your member information "
    "cannot be edited. If your name was legally changed, send a name change request with the "
    "certificate of the change; it is changed after review. An animal owner's name is not "
    "changed here: apply for a change of owner at the city, county or district office, then "
    "sign up as a new member. To keep your existing ID, verify with the i-PIN or mobile phone "
    "registered to you. Questions: call centre 1577-0954."
)


class FeatureNotAvailable(NotFound):
    default_code = CommonErrorCode.FEATURE_NOT_AVAILABLE
    default_message = _("This site does not offer this service.")


def site_feature_require(*, site, feature: str) -> None:
    """404 `feature_not_available` unless the site's policy lists `feature` (SPEC §2)."""
    if feature not in site.rules.features:
        raise FeatureNotAvailable()


def name_mismatch_error(attr: str = "verification_token", message=None) -> DomainError:
    return DomainError(MemberErrorCode.NAME_MISMATCH, message or NAME_MISMATCH_MESSAGE, attr=attr)


def identity_mismatch_error(attr: str = "verification_token") -> DomainError:
    return DomainError(
        MemberErrorCode.IDENTITY_MISMATCH,
        _("The verified person is not the owner of this account."),
        attr=attr,
    )


def member_re_verify(
    *, member: Member, verification_token: str, context: RequestContext | None = None
) -> Member:
    """Re-verify an existing member (manual 002 §II; SPEC §5, §14 step-up).

    The token is a verification of purpose profile_update. A verified name other than the
    stored one → 400 `name_mismatch` with the manual's guidance; a member whose stored CI hash
    differs from the verified one → 400 `identity_mismatch`. Either way nothing changes (the
    token stays unused). Otherwise birth date, gender, mobile and the CI/DI hashes are taken
    from the verification and a `re_verified` event names the changed fields.
    """
    site = member.site
    site_feature_require(site=site, feature=FEATURE)
    with transaction.atomic():
        member = (
            Member.objects.select_for_update(of=("self",)).select_related("site").get(pk=member.pk)
        )
        person = verification_consume(
            site=site,
            token=verification_token,
            purpose=Verification.Purpose.PROFILE_UPDATE,
            member=member,
        )
        if (person.name or "").strip() != member.name.strip():
            raise name_mismatch_error()
        if member.ci_hash and person.ci_hash != member.ci_hash:
            raise identity_mismatch_error()
        changed = []
        for field in RE_VERIFIED_FIELDS:
            value = getattr(person, field)
            if value in (None, "") or getattr(member, field) == value:
                continue
            setattr(member, field, value)
            changed.append(field)
        if changed:
            member.save(update_fields=[*changed, "updated_at"])
        audit_record(
            type=AuditEvent.Type.RE_VERIFIED,
            site=site,
            member=member,
            actor=member,
            context=context,
            method=person.method,
            fields=sorted(changed),
        )
    return member
