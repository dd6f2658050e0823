"""One helper per event type of corporates, their admins, invitations and bank accounts
(Saleor's `order/events.py`). No personal data beyond ids goes into `parameters`."""

from __future__ import annotations

from decimal import Decimal

from .models import (
    BankAccount,
    BankAccountEventType,
    Corporate,
    CorporateEvent,
    CorporateEventType,
    CorporateManager,
    Invitation,
    InvitationEventType,
)


def _record(corporate_id: int, type: str, *, actor=None, **parameters) -> CorporateEvent:
    return CorporateEvent.objects.create(
        corporate_id=corporate_id, type=type, actor=actor, parameters=parameters
    )


# --- the corporate -----------------------------------------------------------------------------


def corporate_signed_up_event(
    corporate: Corporate, /, *, actor, bank_account: BankAccount, headcount: int
) -> CorporateEvent:
    return _record(
        corporate.pk,
        CorporateEventType.SIGNED_UP,
        actor=actor,
        manager=actor.pk,
        bank_account=bank_account.pk,
        headcount=headcount,
    )


def corporate_approved_event(
    corporate: Corporate, /, *, actor, bank_account: BankAccount | None
) -> CorporateEvent:
    return _record(
        corporate.pk,
        CorporateEventType.APPROVED,
        actor=actor,
        bank_account=bank_account.pk if bank_account else None,
    )


def corporate_rejected_event(corporate: Corporate, /, *, actor) -> CorporateEvent:
    return _record(
        corporate.pk, CorporateEventType.REJECTED, actor=actor, reason=corporate.reject_reason
    )


def corporate_terms_changed_event(
    corporate: Corporate, /, *, actor, old: dict, new: dict
) -> CorporateEvent:
    def plain(values: dict) -> dict:
        return {k: str(v) if isinstance(v, Decimal) else v for k, v in values.items()}

    return _record(
        corporate.pk, CorporateEventType.TERMS_CHANGED, actor=actor, old=plain(old), new=plain(new)
    )


# --- its admins (CorporateManager rows: their departures are transitions; the account itself
# is audited) ------------------------------------------------------------------------------------


def corporate_admin_deleted_event(manager: CorporateManager, /, *, actor) -> CorporateEvent:
    return _record(
        manager.corporate_id,
        CorporateEventType.ADMIN_DELETED,
        actor=actor,
        member_id=manager.member_id,
    )


def corporate_admin_password_reset_event(
    corporate: Corporate, /, *, actor, member
) -> CorporateEvent:
    return _record(
        corporate.pk, CorporateEventType.ADMIN_PASSWORD_RESET, actor=actor, member_id=member.pk
    )


def corporate_admin_withdrew_event(manager: CorporateManager, /) -> CorporateEvent:
    return _record(
        manager.corporate_id,
        CorporateEventType.ADMIN_WITHDREW,
        actor=manager.member,
        member_id=manager.member_id,
    )


def corporate_master_transferred_event(
    corporate: Corporate, /, *, actor, from_member, to_member
) -> CorporateEvent:
    return _record(
        corporate.pk,
        CorporateEventType.MASTER_TRANSFERRED,
        actor=actor,
        from_member_id=from_member.pk,
        to_member_id=to_member.pk,
    )


# --- invitations -------------------------------------------------------------------------------


def invitation_created_event(invitation: Invitation, /, *, actor) -> CorporateEvent:
    return _record(
        invitation.corporate_id,
        InvitationEventType.INVITED,
        actor=actor,
        invitation_id=invitation.pk,
    )


def invitation_resent_event(invitation: Invitation, /, *, actor) -> CorporateEvent:
    return _record(
        invitation.corporate_id,
        InvitationEventType.RESENT,
        actor=actor,
        invitation_id=invitation.pk,
        sent_count=invitation.sent_count,
    )


def invitation_cancelled_event(invitation: Invitation, /, *, actor) -> CorporateEvent:
    return _record(
        invitation.corporate_id,
        InvitationEventType.CANCELLED,
        actor=actor,
        invitation_id=invitation.pk,
    )


def invitation_accepted_event(invitation: Invitation, /) -> CorporateEvent:
    member = invitation.accepted_member
    return _record(
        invitation.corporate_id,
        InvitationEventType.ACCEPTED,
        actor=member,
        invitation_id=invitation.pk,
        member_id=member.pk,
    )


# --- bank accounts (SPEC §7.2) -----------------------------------------------------------------


def bank_account_requested_event(account: BankAccount, /, *, actor) -> CorporateEvent:
    return _record(
        account.corporate_id, BankAccountEventType.REQUESTED, actor=actor, account_id=account.pk
    )


def bank_account_request_deleted_event(account: BankAccount, /, *, actor) -> CorporateEvent:
    return _record(
        account.corporate_id,
        BankAccountEventType.REQUEST_DELETED,
        actor=actor,
        account_id=account.pk,
    )


def bank_account_rejected_event(
    account: BankAccount, /, *, actor, reason: str = ""
) -> CorporateEvent:
    """Staff refused the request with `reason`, or (no reason) it was withdrawn with the
    corporate's sign-up on the corporate's rejection."""
    return _record(
        account.corporate_id,
        BankAccountEventType.REJECTED,
        actor=actor,
        account_id=account.pk,
        **({"reason": reason} if reason else {}),
    )


def bank_account_approved_event(
    account: BankAccount, /, *, actor, retired: BankAccount | None = None
) -> CorporateEvent:
    return _record(
        account.corporate_id,
        BankAccountEventType.APPROVED,
        actor=actor,
        account_id=account.pk,
        retired_account_id=retired.pk if retired else None,
    )


def bank_account_retired_event(
    account: BankAccount, /, *, actor, replaced_by: BankAccount
) -> CorporateEvent:
    return _record(
        account.corporate_id,
        BankAccountEventType.RETIRED,
        actor=actor,
        account_id=account.pk,
        replaced_by_account_id=replaced_by.pk,
    )
