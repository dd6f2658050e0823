"""A corporate's admins: the members list, deletion, password reset, master transfer and the
admin's own info (SPEC §7.1, §8, §14; manual 004 §4.1, §4.3 and 내 정보).

One entry of the members list is one person the master added or who signed the company up,
from invitation to departure, under one id that never changes:

- `invitation-<n>`: an entry that began as the master's invitation n (멤버 추가). Accepted, the
  admin it became carries the invitation (`CorporateManager.invitation`) and the entry keeps
  this id; the paths of the menu then act on that admin.
- `admin-<n>`: the master who signed the company up (CorporateManager n), who has no
  invitation.

The kind prefix names where the entry began, not what it is now (`kind` says that). An admin
who leaves keeps the CorporateManager row, as `withdrawn` (탈퇴) or `deleted` (삭제), so the
entry stays listed. Cancelled invitations are not listed. Invitations live in
`domain.corporates.invitations`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from domain.audit.models import AuditEvent
from domain.audit.services import RequestContext, audit_record
from domain.common.errors import Conflict, DomainError, NotFound, ValidationFailed
from domain.common.masking import mask_name
from domain.common.transitions import transition, transition_refused
from domain.consents.services import consents_validate
from domain.members.account import (
    member_anonymise,
    member_notify,
    member_profile_update,
)
from domain.members.errors import MemberErrorCode
from domain.members.events import member_updated_event
from domain.members.lockout import member_password_confirm, member_password_unchanged
from domain.members.models import Member
from domain.members.recovery import member_temporary_password_give, temporary_password_new
from domain.members.registration import SignUpData, _check_person, _form_errors
from domain.sites.errors import SiteErrorCode
from domain.verifications.models import Verification

from . import messages
from .errors import CorporateErrorCode
from .events import (
    corporate_admin_deleted_event,
    corporate_admin_password_reset_event,
    corporate_admin_withdrew_event,
    corporate_master_transferred_event,
)
from .models import Corporate, CorporateManager, Invitation

MANAGER_KIND = "corporate_manager"
ADMIN = "admin"
INVITATION = "invitation"
ENTRY_ID_RE = re.compile(r"^(admin|invitation)-([0-9]+)$")
ENTRY_ID_PATTERN = ENTRY_ID_RE.pattern


# What the site's policy for the manager kind can refuse at a company sign-up or an invitation
# acceptance, beside the ID, password and consent codes (SPEC §2: staff edit the policy): its
# required fields, ages, guardian and nationality rules (manager_answers_check,
# manager_person_check). For the schema's error lists.
MANAGER_POLICY_CODES = [
    SiteErrorCode.UNKNOWN_MEMBER_KIND,
    MemberErrorCode.INVALID_HOME_LIBRARY,
    MemberErrorCode.GUARDIAN_VERIFICATION_REQUIRED,
    MemberErrorCode.UNDER_MINIMUM_AGE,
    MemberErrorCode.OVER_MAXIMUM_AGE,
    MemberErrorCode.NATIONALITY_MISMATCH,
]


class EntryStatus(models.TextChoices):
    """An entry's state in the members list (manual 004 §4.1 비고); labels are translated,
    shared with the Member and CorporateManager statuses they come from."""

    INVITED = "invited", _("Not joined")  # 미가입
    ACTIVE = "active", Member.Status.ACTIVE.label  # shows 최근 접속 시간
    SUSPENDED = "suspended", Member.Status.SUSPENDED.label  # staff stopped the account
    WITHDRAWN = "withdrawn", CorporateManager.Status.WITHDRAWN.label  # 탈퇴: the admin left
    DELETED = "deleted", CorporateManager.Status.DELETED.label  # 삭제: by the master


@dataclass(frozen=True)
class MemberEntry:
    """One row of the members list (manual 004 §4.1). `name` and `mobile` are unmasked here;
    the API masks them (SPEC §13)."""

    id: str
    kind: str
    role: str
    department: str
    position: str
    name: str
    mobile: str
    status: str
    last_access: datetime | None
    expires_at: datetime | None
    expired: bool | None
    created_at: datetime

    @property
    def status_label(self) -> str:
        return str(EntryStatus(self.status).label)


def entry_id_parse(value: str) -> tuple[str, int] | None:
    """`admin-12` → ("admin", 12); `invitation-5` → ("invitation", 5); anything else None."""
    match = ENTRY_ID_RE.match(value or "")
    return (match.group(1), int(match.group(2))) if match else None


def manager_entry_id(manager: CorporateManager) -> str:
    """The entry id of an admin: its invitation's if it joined by one (module docstring)."""
    if manager.invitation_id:
        return f"{INVITATION}-{manager.invitation_id}"
    return f"{ADMIN}-{manager.pk}"


def entry_resolve(*, corporate_id: int, entry_id: str) -> tuple[str, int]:
    """What an entry id of `corporate_id` addresses now: (ADMIN, CorporateManager pk) or
    (INVITATION, Invitation pk) while the invitation is not accepted. An id that is not an
    entry of this corporate (malformed, another corporate's, or `admin-<n>` of an admin who
    joined by invitation: not its id) is a 404."""
    parsed = entry_id_parse(entry_id)
    if parsed is not None:
        kind, pk = parsed
        if kind == ADMIN:
            if CorporateManager.objects.filter(
                corporate_id=corporate_id, pk=pk, invitation__isnull=True
            ).exists():
                return ADMIN, pk
        else:
            manager_pk = (
                CorporateManager.objects.filter(corporate_id=corporate_id, invitation_id=pk)
                .values_list("pk", flat=True)
                .first()
            )
            if manager_pk is not None:
                return ADMIN, manager_pk
            if Invitation.objects.filter(corporate_id=corporate_id, pk=pk).exists():
                return INVITATION, pk
    raise NotFound()


def _entry_admin_pk(*, corporate_id: int, entry_id: str) -> int | None:
    """The admin an entry id addresses, or None (an invitation not yet accepted, no entry)."""
    try:
        kind, pk = entry_resolve(corporate_id=corporate_id, entry_id=entry_id)
    except NotFound:
        return None
    return pk if kind == ADMIN else None


def _admin_status(manager: CorporateManager) -> str:
    if manager.status != CorporateManager.Status.ACTIVE:
        return manager.status  # withdrawn / deleted, as the entry's
    member_status = manager.member.status
    if member_status == Member.Status.ACTIVE:
        return EntryStatus.ACTIVE
    if member_status == Member.Status.WITHDRAWN:
        return EntryStatus.WITHDRAWN
    return EntryStatus.SUSPENDED


def admin_entry(manager: CorporateManager) -> MemberEntry:
    """An admin's row; one who left shows the masked name kept at departure, no mobile."""
    member = manager.member
    active = manager.status == CorporateManager.Status.ACTIVE
    invitation = manager.invitation if manager.invitation_id else None
    return MemberEntry(
        id=manager_entry_id(manager),
        kind=ADMIN,
        role=manager.role,
        department=manager.department,
        position=manager.position,
        name=member.name if active else manager.masked_name,
        mobile=member.mobile if active else "",
        status=_admin_status(manager),
        last_access=member.last_login if active else None,
        expires_at=None,
        expired=None,
        # Where the entry began, so it keeps its place in the list once accepted.
        created_at=invitation.created_at if invitation else manager.created_at,
    )


def invitation_entry(invitation: Invitation, now: datetime | None = None) -> MemberEntry:
    """An invitation not (yet) accepted: 미가입, with when its link expires."""
    return MemberEntry(
        id=f"{INVITATION}-{invitation.pk}",
        kind=INVITATION,
        role=CorporateManager.Role.GENERAL,
        department=invitation.department,
        position=invitation.position,
        name=invitation.name,
        mobile=invitation.mobile,
        status=EntryStatus.INVITED,
        last_access=None,
        expires_at=invitation.expires_at,
        expired=invitation.expires_at <= (now or timezone.now()),
        created_at=invitation.created_at,
    )


def corporate_member_entries(*, corporate: Corporate) -> list[MemberEntry]:
    """멤버 list (manual 004 §4.1), newest first: every admin — active, suspended, withdrawn
    (탈퇴) or deleted (삭제) — and the pending invitations (with expiry).

    A corporate has a handful of admins, so the rows are merged in memory and paginated as a
    list (two queries).
    """
    now = timezone.now()
    managers = CorporateManager.objects.filter(corporate=corporate).select_related(
        "member", "invitation"
    )
    entries = [admin_entry(manager) for manager in managers]
    entries += [
        invitation_entry(invitation, now)
        for invitation in Invitation.objects.filter(
            corporate=corporate, status=Invitation.Status.PENDING
        )
    ]
    entries.sort(key=lambda entry: (entry.created_at, entry.id), reverse=True)
    return entries


# --- ID, password and identity rules shared with member sign-up ------------------------------


def manager_answers_check(
    *,
    site,
    username: str,
    password: str,
    password_confirm: str,
    email: str,
    consents: list[dict],
) -> tuple[list[DomainError], list]:
    """Every broken rule of an onnuri-biz manager's form, with the codes of member sign-up
    (SPEC §2, §3, §5): `username_length`, `username_pattern`, `password_mismatch`, the site's
    password rule, `required` (email) and the consent codes. Returns the errors and the
    accepted consents (for `consents_record`). Uniqueness is checked in the transaction."""
    data = SignUpData(
        kind=MANAGER_KIND,
        username=username,
        password=password,
        password_confirm=password_confirm,
        verification_token="",
        consents=[],
        email=email,
    )
    errors = _form_errors(site, site.rules.kind(MANAGER_KIND), data)
    accepted: list = []
    try:
        accepted = consents_validate(site=site, kind=MANAGER_KIND, agreements=consents)
    except DomainError as exc:
        errors.append(exc)
    return errors, accepted


def manager_person_check(*, site, person: Verification) -> None:
    """The verified person may become a manager: adult (policy min age) and not already a
    manager on this site (`under_minimum_age`, `already_registered`; SPEC §5)."""
    _check_person(site, site.rules.kind(MANAGER_KIND), person)


def manager_verification_methods(*, site, purpose: str) -> set[str]:
    sequences = site.rules.verification.get(MANAGER_KIND, {}).get(purpose, [])
    return {sequence[-1] for sequence in sequences}


# --- master actions on admins (manual 004 §4.1) ----------------------------------------------


def _admin_locked(*, corporate_id: int, manager_id: int) -> CorporateManager:
    manager = (
        CorporateManager.objects.select_for_update(of=("self",))
        .select_related("member", "corporate__site")
        .filter(corporate_id=corporate_id, pk=manager_id)
        .first()
    )
    if manager is None:
        raise NotFound()
    return manager


def _manager_leave(*, manager: CorporateManager, name: str, to: str, event, **params) -> None:
    """The admin leaves (탈퇴 / 삭제) once its account is erased: the row stays, with the masked
    `name`, as the list's entry; the invitation it joined by drops the name and mobile too
    (personal data goes with the account)."""
    transition(
        manager,
        to,
        event=event,
        fields={"masked_name": mask_name(name), "left_at": timezone.now()},
        **params,
    )
    if manager.invitation_id:
        Invitation.objects.filter(pk=manager.invitation_id).update(name="", mobile="")


def corporate_admin_delete(
    *, manager: CorporateManager, admin_id: int, context: RequestContext | None = None
) -> None:
    """계정 삭제하기 (manual 004 §4.1): the master deletes a general admin's account.

    The account is withdrawn (personal data erased, login impossible, refresh tokens revoked);
    the entry stays listed as deleted (삭제). The master, and the caller itself, cannot be
    deleted (`cannot_delete_master`, 409); an admin who already left is `invalid_transition`
    (409); an admin of another corporate is a 404.
    """
    with transaction.atomic():
        Corporate.objects.select_for_update().get(pk=manager.corporate_id)
        target = _admin_locked(corporate_id=manager.corporate_id, manager_id=admin_id)
        if target.role == CorporateManager.Role.MASTER or target.pk == manager.pk:
            raise Conflict(
                CorporateErrorCode.CANNOT_DELETE_MASTER,
                _("The master cannot be deleted. Transfer the master role first."),
            )
        if not target.can_transition_to(CorporateManager.Status.DELETED):
            raise transition_refused(target, CorporateManager.Status.DELETED)
        member = target.member
        name = member.name
        if member.status != Member.Status.WITHDRAWN:
            member_anonymise(member=member, actor=manager.member, context=context)
        _manager_leave(
            manager=target,
            name=name,
            to=CorporateManager.Status.DELETED,
            event=corporate_admin_deleted_event,
            actor=manager.member,
        )


def corporate_admin_password_reset(
    *, manager: CorporateManager, admin_id: int, context: RequestContext | None = None
) -> None:
    """비밀번호 초기화 (manual 004 §4.1): a temporary password for a general admin by SMS.

    As in reset-password (SPEC §5, §14): satisfies the site's rule, valid 24 hours, must be
    changed at the next login, refresh tokens revoked, any lock lifted, audited. Only an active
    general admin of the caller's corporate (`password_reset_not_allowed`, 409, otherwise).
    """
    password = temporary_password_new(site=manager.corporate.site)
    with transaction.atomic():
        target = _admin_locked(corporate_id=manager.corporate_id, manager_id=admin_id)
        member = target.member
        if (
            target.role != CorporateManager.Role.GENERAL
            or target.status != CorporateManager.Status.ACTIVE
            or member.status != Member.Status.ACTIVE
            or target.pk == manager.pk
        ):
            raise Conflict(
                CorporateErrorCode.PASSWORD_RESET_NOT_ALLOWED,
                _("Only an active general admin's password can be reset here."),
            )
        sent_by = member_temporary_password_give(
            member=member,
            password=password,
            prefer="sms",
            actor=manager.member,
            context=context,
            by="corporate_master",
        )
        if sent_by is None:
            raise Conflict(
                CorporateErrorCode.MEMBER_UNREACHABLE,
                _("The admin has no mobile number or email address to send the password to."),
            )
        corporate_admin_password_reset_event(target.corporate, actor=manager.member, member=member)


# --- master transfer (manual 004 §4.3) -------------------------------------------------------


def _transfer_target_invalid() -> DomainError:
    return DomainError(
        CorporateErrorCode.TRANSFER_TARGET_INVALID,
        _("Choose a registered general admin of your company."),
        attr="admin_id",
    )


def corporate_master_transfer(
    *, manager: CorporateManager, target_id: str, context: RequestContext | None = None
) -> CorporateManager:
    """마스터 권한 이관 (SPEC §7.1; manual 004 §4.3): the master hands the role to an active
    general admin of the same corporate and becomes a general admin. Returns the new master.

    `target_id` is the members list id of an admin; anything else — an invitation not yet
    accepted, a withdrawn, deleted or suspended admin, another corporate's admin, the master
    itself — is `transfer_target_invalid`. The corporate row is locked first, then both manager
    rows; the master is demoted before the target is promoted, so `corporate_single_master`
    holds after every statement. A transfer that lost a race (the caller is no longer master)
    or that the constraint refuses is `transfer_conflict` (409). Both are told by SMS (SPEC
    §14 notices).
    """
    target_pk = _entry_admin_pk(corporate_id=manager.corporate_id, entry_id=target_id)
    try:
        with transaction.atomic():
            corporate = (
                Corporate.objects.select_for_update()
                .select_related("site")
                .get(pk=manager.corporate_id)
            )
            rows = {
                row.pk: row
                for row in CorporateManager.objects.select_for_update(of=("self",))
                .select_related("member")
                .filter(corporate=corporate, pk__in=[manager.pk, target_pk or 0])
                .order_by("pk")
            }
            current = rows.get(manager.pk)
            if current is None or current.role != CorporateManager.Role.MASTER:
                raise _transfer_conflict()
            target = rows.get(target_pk) if target_pk != manager.pk else None
            if (
                target is None
                or target.role != CorporateManager.Role.GENERAL
                or target.status != CorporateManager.Status.ACTIVE
                or target.member.status != Member.Status.ACTIVE
            ):
                raise _transfer_target_invalid()
            current.role = CorporateManager.Role.GENERAL
            current.save(update_fields=["role"])
            target.role = CorporateManager.Role.MASTER
            target.save(update_fields=["role"])
            _transfer_record(corporate=corporate, old=current, new=target, context=context)
    except IntegrityError:
        raise _transfer_conflict()
    return target


def _transfer_conflict() -> DomainError:
    return Conflict(
        CorporateErrorCode.TRANSFER_CONFLICT,
        _("The master role has just changed. Reload the page and try again."),
    )


def _transfer_record(
    *,
    corporate: Corporate,
    old: CorporateManager,
    new: CorporateManager,
    context: RequestContext | None,
) -> None:
    site = corporate.site
    corporate_master_transferred_event(
        corporate, actor=old.member, from_member=old.member, to_member=new.member
    )
    for row, role in ((old, "general"), (new, "master")):
        audit_record(
            type=AuditEvent.Type.MASTER_TRANSFERRED,
            site=site,
            member=row.member,
            actor=old.member,
            context=context,
            corporate_role=role,
        )
    handed_over = messages.MASTER_HANDED_OVER.render(site=site.name)
    member_notify(
        member=old.member,
        title=handed_over.title,
        body=handed_over.body,
        purpose="master_transferred",
    )
    received = messages.MASTER_RECEIVED.render(site=site.name, corporate=corporate.name)
    member_notify(
        member=new.member,
        title=received.title,
        body=received.body,
        purpose="master_transferred",
    )


# --- the admin's own info (내 정보) -------------------------------------------------------------


def corporate_manager_profile_update(
    *,
    manager: CorporateManager,
    changes: dict[str, Any],
    verification_token: str = "",
    context: RequestContext | None = None,
) -> CorporateManager:
    """내 정보 (SPEC §7.1 My info; manual 004 §4.3): position, email and mobile.

    Email and mobile go through `member_profile_update` (a new mobile needs a verification of
    the admin's own identity, purpose profile_update); the department and the identity fields
    are refused (`field_not_editable`).
    """
    if "department" in changes:
        raise ValidationFailed(
            [
                DomainError(
                    MemberErrorCode.FIELD_NOT_EDITABLE,
                    _("The department is set when the admin is invited."),
                    attr="department",
                )
            ]
        )
    member_changes = {key: value for key, value in changes.items() if key != "position"}
    with transaction.atomic():
        locked = (
            CorporateManager.objects.select_for_update(of=("self",))
            .select_related("member__site", "corporate")
            .get(pk=manager.pk)
        )
        if member_changes or verification_token:
            locked.member = member_profile_update(
                member=locked.member,
                changes=member_changes,
                verification_token=verification_token,
                context=context,
            )
        if "position" in changes and changes["position"] != locked.position:
            locked.position = changes["position"]
            locked.save(update_fields=["position"])
            member_updated_event(
                locked.member, actor=locked.member, context=context, fields=["position"]
            )
    return locked


def corporate_manager_withdraw(
    *, manager: CorporateManager, password: str, context: RequestContext | None = None
) -> None:
    """계정삭제 및 탈퇴 (SPEC §7.1 My info): a general admin leaves.

    The master must hand over the role first (`master_must_transfer`); otherwise the account
    is withdrawn as any member's (the current password, counted toward the lockout, then the
    data erased) and the entry stays listed as withdrawn (탈퇴). The corporate row is locked so
    a concurrent transfer to this admin cannot interleave; the password is checked before,
    outside the transaction.
    """
    master_must_transfer = DomainError(
        CorporateErrorCode.MASTER_MUST_TRANSFER,
        _("Transfer the master role to another admin before withdrawing."),
    )
    if CorporateManager.objects.filter(pk=manager.pk, role=CorporateManager.Role.MASTER).exists():
        raise master_must_transfer
    check = member_password_confirm(
        member=manager.member,
        password=password,
        action="withdrawal",
        attr="password",
        context=context,
    )
    with transaction.atomic():
        Corporate.objects.select_for_update().get(pk=manager.corporate_id)
        locked = _admin_locked(corporate_id=manager.corporate_id, manager_id=manager.pk)
        if locked.role == CorporateManager.Role.MASTER:
            raise master_must_transfer
        member = Member.objects.select_for_update(of=("self",)).get(pk=locked.member_id)
        member_password_unchanged(member=member, check=check, attr="password")
        name = member.name
        locked.member = member_anonymise(member=member, context=context)
        _manager_leave(
            manager=locked,
            name=name,
            to=CorporateManager.Status.WITHDRAWN,
            event=corporate_admin_withdrew_event,
        )
