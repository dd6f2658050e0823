"""A member's own account: password change, profile edit, withdrawal (SPEC §5, §14)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from domain.audit.models import AuditEvent
from domain.audit.services import RequestContext, audit_record
from domain.common.errors import CommonErrorCode, DomainError, ValidationFailed
from domain.common.phones import normalise_mobile
from domain.common.transitions import transition
from domain.messaging.services import outbox_email, outbox_sms
from domain.sites.models import LibraryBranch
from domain.verifications.models import Verification
from domain.verifications.services import verification_consume

from . import messages
from .errors import MemberErrorCode
from .events import member_updated_event, member_withdrawn_event
from .lockout import member_password_confirm, member_password_unchanged
from .models import CorporateProfile, Member, SocialAccount
from .passwords import password_check
from .tokens import member_refresh_tokens_revoke

# Identity fields come from the verification at sign-up and are not self-service (SPEC §5).
NOT_EDITABLE = ("name", "birth_date", "gender", "nationality")
EDITABLE = ("email", "address", "landline", "home_library", "mobile")
RELEASED_USERNAME_PREFIX = "~withdrawn-"  # "~" is outside every site's ID pattern
# Personal data erased on withdrawal (SPEC §5): identity, contact, address, CI/DI hashes.
ERASED = {
    **dict.fromkeys(
        (
            "name",
            "gender",
            "mobile",
            "email",
            "landline",
            "postal_code",
            "address_road",
            "address_detail",
            "ci_hash",
            "di_hash",
        ),
        "",
    ),
    "birth_date": None,
    "home_library": None,
}
INVALID_PASSWORD = _("The password is incorrect.")


def member_temporary_password_valid(member: Member, now: datetime | None = None) -> bool:
    """False once a temporary password (from reset-password) is past its 24 hours (SPEC §5).

    A member without a pending temporary password always passes. Called by login: an expired
    temporary password is refused like a wrong one.
    """
    expires_at = member.temporary_password_expires_at
    return expires_at is None or expires_at > (now or timezone.now())


def member_notify(
    *,
    member: Member,
    title: str,
    body: str,
    purpose: str,
    prefer: str = "sms",
    sensitive: bool = False,
) -> str | None:
    """Queue a message to the member by `prefer` ("sms" or "email"), else by the other channel.

    `title` is the LMS subject (≤ 40 bytes) and, after the site's name, the email subject.
    Returns the channel used, or None when the member has no usable address on either.
    """
    site = member.site
    channels = ["sms", "email"] if prefer == "sms" else ["email", "sms"]
    for channel in channels:
        try:
            if channel == "sms" and member.mobile:
                outbox_sms(
                    to=member.mobile,
                    body=body,
                    subject=title,
                    site=site,
                    purpose=purpose,
                    sensitive=sensitive,
                )
                return channel
            if channel == "email" and member.email:
                outbox_email(
                    to=member.email,
                    subject=f"[{site.name}] {title}",
                    body=body,
                    site=site,
                    purpose=purpose,
                    sensitive=sensitive,
                )
                return channel
        except DomainError:  # a stored address the gateway would refuse: try the other one
            continue
    return None


def _locked(member: Member) -> Member:
    return Member.objects.select_for_update(of=("self",)).select_related("site").get(pk=member.pk)


def member_password_change(
    *,
    member: Member,
    current_password: str,
    new_password: str,
    new_password_confirm: str | None = None,
    context: RequestContext | None = None,
) -> Member:
    """Change the password with the current one (SPEC §5 profile edit, §14 step-up and notices).

    Refusals: `invalid_password` (current; counts toward the lockout like a failed login, see
    `member_password_confirm`), then together `password_mismatch` (a confirmation is optional,
    SPEC §11; one given must match), the site's rule
    (`password_check`) and `password_unchanged`. On success the forced change after a reset is
    done, every refresh token is revoked, the member is told by SMS (email if no mobile) and the
    change is audited. Both hashes are computed outside the transaction.
    """
    check = member_password_confirm(
        member=member,
        password=current_password,
        action="password_change",
        attr="current_password",
        context=context,
    )
    site = member.site
    errors: list[DomainError] = []
    if new_password_confirm is not None and new_password != new_password_confirm:
        errors.append(
            DomainError(
                MemberErrorCode.PASSWORD_MISMATCH,
                _("The passwords do not match."),
                attr="new_password_confirm",
            )
        )
    try:
        password_check(
            site=site,
            password=new_password,
            username=member.username,
            member=member,
            attr="new_password",
        )
    except ValidationFailed as exc:
        errors.extend(exc.errors)
    if new_password == current_password:
        errors.append(
            DomainError(
                MemberErrorCode.PASSWORD_UNCHANGED,
                _("The new password must differ from the current one."),
                attr="new_password",
            )
        )
    if errors:
        raise ValidationFailed(errors)
    new_hash = make_password(new_password)
    with transaction.atomic():
        member = _locked(member)
        member_password_unchanged(member=member, check=check, attr="current_password")
        was_temporary = member.password_change_required
        member.password = new_hash
        member.password_change_required = False
        member.temporary_password_expires_at = None
        member.save(
            update_fields=["password", "password_change_required", "temporary_password_expires_at"]
        )
        revoked = member_refresh_tokens_revoke(member=member)
        text = messages.PASSWORD_CHANGED.render(site=site.name)
        member_notify(
            member=member,
            title=text.title,
            body=text.body,
            purpose="password_changed",
            prefer="sms",
        )
        audit_record(
            type=AuditEvent.Type.PASSWORD_CHANGED,
            site=site,
            member=member,
            actor=member,
            context=context,
            was_temporary=was_temporary,
            refresh_tokens_revoked=revoked,
        )
    return member


def _profile_errors(member: Member, changes: dict[str, Any], has_token: bool) -> list[DomainError]:
    errors = [
        DomainError(
            MemberErrorCode.FIELD_NOT_EDITABLE,
            _("This field comes from identity verification and cannot be changed here."),
            attr=field,
        )
        for field in NOT_EDITABLE
        if field in changes
    ]
    if "mobile" in changes:
        if not has_token:
            errors.append(
                DomainError(
                    MemberErrorCode.VERIFICATION_REQUIRED,
                    _("Verify your identity to change the mobile number."),
                    attr="verification_token",
                )
            )
        elif normalise_mobile(changes["mobile"]) is None:
            errors.append(
                DomainError(
                    CommonErrorCode.INVALID_PHONE, _("Enter a valid mobile number."), attr="mobile"
                )
            )
    kind = member.site.rules.kind(member.kind)
    required = set(kind.required_fields) if kind else set()
    address = changes.get("address")
    if (
        address is not None
        and "address" in required
        and not (address.get("road") and address.get("postal_code"))
    ):
        errors.append(
            DomainError(CommonErrorCode.REQUIRED, _("Enter the address."), attr="address")
        )
    if "email" in changes and not changes["email"] and "email" in required:
        errors.append(
            DomainError(CommonErrorCode.REQUIRED, _("Enter the email address."), attr="email")
        )
    if "landline" in changes and len(re.sub(r"\D", "", changes["landline"] or "")) > 12:
        errors.append(
            DomainError(
                MemberErrorCode.INVALID_LANDLINE, _("Enter a valid phone number."), attr="landline"
            )
        )
    if "home_library" in changes:
        branch = changes["home_library"]
        valid = (
            LibraryBranch.objects.filter(site=member.site, pk=branch, is_active=True).exists()
            if branch is not None
            else "home_library" not in required
        )
        if not valid:
            errors.append(
                DomainError(
                    MemberErrorCode.INVALID_HOME_LIBRARY,
                    _("Choose one of the site's libraries."),
                    attr="home_library",
                )
            )
    return errors


def member_profile_update(
    *,
    member: Member,
    changes: dict[str, Any],
    verification_token: str = "",
    context: RequestContext | None = None,
    actor: Member | None = None,
) -> Member:
    """Edit a profile: email, address, landline, home library, mobile (SPEC §5, §14).

    The member edits their own; a guardian (`actor`) edits a ward's (SPEC §8).

    Name, birth date, gender and nationality are refused (`field_not_editable`). A new mobile
    needs a fresh verification (purpose profile_update) of the member's own identity (same CI
    hash, else `identity_mismatch`); the number stored is the verified one. The audit event
    names the changed fields, never their values.
    """
    site = member.site
    errors = _profile_errors(member, changes, bool(verification_token))
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        member = _locked(member)
        values: dict[str, Any] = {}
        if "email" in changes:
            values["email"] = changes["email"]
        if "landline" in changes:
            values["landline"] = re.sub(r"\D", "", changes["landline"] or "")
        if changes.get("address") is not None:
            address = changes["address"]
            values["postal_code"] = address.get("postal_code", "")
            values["address_road"] = address.get("road", "")
            values["address_detail"] = address.get("detail", "")
        if "home_library" in changes:
            values["home_library_id"] = changes["home_library"]
        if verification_token:
            person = verification_consume(
                site=site,
                token=verification_token,
                purpose=Verification.Purpose.PROFILE_UPDATE,
                phone=normalise_mobile(changes.get("mobile") or "") or "",
                member=member,
            )
            if member.ci_hash and person.ci_hash != member.ci_hash:
                raise DomainError(
                    MemberErrorCode.IDENTITY_MISMATCH,
                    _("The verified person is not the owner of this account."),
                    attr="verification_token",
                )
            if person.mobile:
                values["mobile"] = person.mobile
        changed = [field for field, value in values.items() if getattr(member, field) != value]
        for field in changed:
            setattr(member, field, values[field])
        if changed:
            member.save(update_fields=[*changed, "updated_at"])
            member_updated_event(
                member,
                actor=actor or member,
                context=context,
                fields=sorted(f.removesuffix("_id") for f in changed),
            )
    return member


def member_withdraw(
    *, member: Member, password: str, context: RequestContext | None = None
) -> Member:
    """탈퇴: the member leaves with the current password (SPEC §5, §14).

    `invalid_password` counts toward the lockout (`member_password_confirm`).
    """
    check = member_password_confirm(
        member=member, password=password, action="withdrawal", attr="password", context=context
    )
    with transaction.atomic():
        locked = _locked(member)
        member_password_unchanged(member=locked, check=check, attr="password")
        return member_anonymise(member=locked, context=context)


def member_anonymise(
    *, member: Member, actor: Member | None = None, context: RequestContext | None = None
) -> Member:
    """Erase a member's personal data and close the account; the row stays (SPEC §5).

    Identity, contact and address fields are blanked, linked SNS accounts and corporate
    details are deleted, the password is made unusable, refresh tokens are revoked. Consent
    records and audit events are kept (legal evidence). The ID stays taken until
    `username_released_at` (site retention days), when `members_release_usernames` frees it.
    `actor` is who closed it (e.g. an onnuri-biz master deleting an admin); default the member.
    """
    with transaction.atomic():
        member = _locked(member)
        now = timezone.now()
        SocialAccount.objects.filter(member=member).delete()
        CorporateProfile.objects.filter(member=member).delete()
        revoked = member_refresh_tokens_revoke(member=member)
        transition(
            member,
            Member.Status.WITHDRAWN,
            event=member_withdrawn_event,
            fields={
                **ERASED,
                "is_active": False,
                "is_staff": False,
                "withdrawn_at": now,
                "username_released_at": now
                + timedelta(days=member.site.rules.username_retention_days),
                "password_change_required": False,
                "temporary_password_expires_at": None,
                "password": make_password(None),  # unusable
            },
            actor=actor or member,
            context=context,
            refresh_tokens_revoked=revoked,
        )
    return member


def members_release_usernames(*, now: datetime | None = None) -> int:
    """Free the IDs of withdrawn members whose retention has passed (SPEC §5); returns how many.

    The ID is renamed to `~withdrawn-<pk>` (outside every site's ID pattern), so the original
    can be registered again. Safe to run any number of times.
    """
    now = now or timezone.now()
    due = Member.objects.filter(
        status=Member.Status.WITHDRAWN, username_released_at__lte=now
    ).exclude(username__startswith=RELEASED_USERNAME_PREFIX)
    return due.update(
        username=Concat(Value(RELEASED_USERNAME_PREFIX), Cast("pk", output_field=CharField())),
        updated_at=now,
    )
