"""A corporate's bank accounts: add requests, staff approval, deletion (SPEC §7.2; manual 004
§2.3 계좌추가/삭제).

"단, 1개의 계좌만 운영할 수 있습니다. (새 계좌 등록 후 기존 계좌 삭제)": a corporate has exactly one
account in use. The master asks for a new one (bank, number, holder, bankbook copy); staff
approve it, which puts it in use and retires the previous one in the same transaction. A
pending request can be withdrawn; the account in use cannot be deleted. Every mutation locks
the corporate row first, so two approvals (or an approval and a deletion) never interleave.
"""

from __future__ import annotations

import re
from typing import IO

from django.core.files import File
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from domain.audit.models import AuditEvent
from domain.audit.services import RequestContext, audit_record
from domain.common.capabilities import Capability, account_can
from domain.common.errors import Conflict, DomainError, NotFound, ValidationFailed
from domain.common.masking import mask_account
from domain.common.messages import Rendered
from domain.common.transitions import transition, transition_refused
from domain.common.uploads import (
    DOCUMENT_TYPES,
    delete_private_upload,
    open_private_upload,
    store_private_upload,
)
from domain.members.account import member_notify

from . import messages
from .banks import ACCOUNT_NUMBER_PATTERN, BANKS
from .errors import CorporateErrorCode
from .events import (
    bank_account_approved_event,
    bank_account_rejected_event,
    bank_account_request_deleted_event,
    bank_account_requested_event,
    bank_account_retired_event,
)
from .models import BankAccount, Corporate, CorporateManager
from .review import rejection_reason_clean

BANKBOOK_FOLDER = "corporate-bankbooks"
NUMBER_SEPARATORS = re.compile(r"[\s-]+")

Status = BankAccount.Status


def _not_found() -> NotFound:
    return NotFound(CorporateErrorCode.BANK_ACCOUNT_NOT_FOUND, _("No such bank account."))


def _corporate_lock(*, corporate_id: int) -> Corporate:
    """Lock the corporate row: every account mutation of one corporate runs one at a time."""
    return Corporate.objects.select_for_update().select_related("site").get(pk=corporate_id)


def account_number_normalise(number: str) -> str:
    """`110-123-456789` → `110123456789` (SPEC §13: dashes and spaces are accepted on input)."""
    return NUMBER_SEPARATORS.sub("", number or "")


def bank_account_list(
    *, corporates: QuerySet[Corporate], filters: dict | None = None
) -> QuerySet[BankAccount]:
    """Accounts of the corporates in the caller's scope (manual 004 §2.3 "등록된 계좌 내역":
    pending, in use and deleted), newest first. `filters`: `corporate` (id), `status`."""
    filters = filters or {}
    accounts = BankAccount.objects.filter(corporate__in=corporates)
    if filters.get("corporate"):
        accounts = accounts.filter(corporate_id=filters["corporate"])
    if filters.get("status"):
        accounts = accounts.filter(status=filters["status"])
    return accounts


def bank_account_get(*, corporates: QuerySet[Corporate], account_id: int) -> BankAccount:
    """One account in the caller's scope; another corporate's is a 404, never a 403 (SPEC §8)."""
    account = (
        BankAccount.objects.filter(corporate__in=corporates, pk=account_id)
        .select_related("corporate__site")
        .first()
    )
    if account is None:
        raise _not_found()
    return account


def _request_errors(
    *, corporate: Corporate, bank_code: str, number: str, holder: str
) -> list[DomainError]:
    errors = []
    if bank_code not in BANKS:
        errors.append(
            DomainError(
                CorporateErrorCode.INVALID_BANK, _("Choose a bank from the list."), attr="bank_code"
            )
        )
    if not re.fullmatch(ACCOUNT_NUMBER_PATTERN, number, flags=re.ASCII):  # no other digits
        errors.append(
            DomainError(
                CorporateErrorCode.INVALID_ACCOUNT_NUMBER,
                _("Enter the account number: 10 to 14 digits."),
                attr="account_number",
            )
        )
    if holder != corporate.name:
        errors.append(
            DomainError(
                CorporateErrorCode.ACCOUNT_HOLDER_MISMATCH,
                _("The account holder must be the company name on the business registration."),
                attr="holder",
            )
        )
    return errors


def bank_account_request(
    *,
    manager: CorporateManager,
    bank_code: str,
    account_number: str,
    holder: str,
    bankbook: IO[bytes],
) -> BankAccount:
    """The master asks for a new account (manual 004 §2.3 "계좌 추가하기"; SPEC §7.2).

    `bank_code` is a KFTC code (`invalid_bank`); the number is 10–14 digits once dashes and
    spaces are removed (`invalid_account_number`, SPEC §13); the holder is exactly the company
    name (`account_holder_mismatch`, manual 004 §1.1 "예금주가 사업자등록증의 상호명과 동일"). The
    bankbook copy is PDF/JPG/PNG ≤ 10 MB, checked by content (SPEC §14). One pending request at
    a time (409 `account_request_pending`); the account already in use cannot be asked for again
    (409 `account_already_registered`). The stored file is removed if nothing is saved.
    """
    bank_code = (bank_code or "").strip()
    number = account_number_normalise(account_number)
    holder = (holder or "").strip()
    errors = _request_errors(
        corporate=manager.corporate, bank_code=bank_code, number=number, holder=holder
    )
    if errors:
        raise ValidationFailed(errors)
    stored = None
    try:
        with transaction.atomic():
            corporate = _corporate_lock(corporate_id=manager.corporate_id)
            accounts = BankAccount.objects.filter(corporate=corporate)
            if accounts.filter(status=Status.PENDING).exists():
                raise Conflict(
                    CorporateErrorCode.ACCOUNT_REQUEST_PENDING,
                    _("An account request is already waiting for approval."),
                )
            if accounts.filter(status=Status.IN_USE, bank_code=bank_code, number=number).exists():
                raise Conflict(
                    CorporateErrorCode.ACCOUNT_ALREADY_REGISTERED,
                    _("This account is already the account in use."),
                    attr="account_number",
                )
            stored = store_private_upload(
                file=bankbook, folder=BANKBOOK_FOLDER, allowed=DOCUMENT_TYPES, attr="bankbook"
            )
            account = BankAccount.objects.create(
                corporate=corporate,
                bank_code=bank_code,
                number=number,
                holder=holder,
                bankbook=stored.path,
                bankbook_content_type=stored.content_type,
                requested_by=manager.member,
            )
            bank_account_requested_event(account, actor=manager.member)
    except Exception:
        # No row refers to the file once the transaction is rolled back.
        if stored is not None:
            delete_private_upload(stored.path)
        raise
    return account


def bank_account_delete(*, manager: CorporateManager, account_id: int) -> BankAccount:
    """The master withdraws a pending request (manual 004 §2.3 "계좌 삭제하기").

    The account in use cannot be deleted (409 `account_in_use`): a new account is added and,
    once approved, retires it ("새 계좌 등록 후 기존 계좌 삭제"). An already deleted one is 409
    `invalid_transition`. Another corporate's account is a 404.
    """
    with transaction.atomic():
        corporate = _corporate_lock(corporate_id=manager.corporate_id)
        account = (
            BankAccount.objects.select_for_update()
            .filter(corporate=corporate, pk=account_id)
            .first()
        )
        if account is None:
            raise _not_found()
        if account.status == Status.IN_USE:
            raise Conflict(
                CorporateErrorCode.ACCOUNT_IN_USE,
                _(
                    "The account in use cannot be deleted. Add a new account; it replaces this "
                    "one once approved."
                ),
            )
        transition(
            account,
            Status.DELETED,
            event=bank_account_request_deleted_event,
            fields={"deleted_at": timezone.now()},
            actor=manager.member,
        )
    return account


def _review_start(*, site, staff, account_id: int) -> tuple[Corporate, BankAccount]:
    """For a staff review, inside the transaction: the corporate locked first (as every account
    mutation), then the account; 404 outside the staff's site, 409 `corporate_not_approved`
    while the corporate's own sign-up is under review (its request goes with that review)."""
    if not account_can(staff, site, Capability.ACCOUNTS_REVIEW):
        raise _not_found()
    corporate_id = (
        BankAccount.objects.filter(corporate__site=site, pk=account_id)
        .values_list("corporate_id", flat=True)
        .first()
    )
    if corporate_id is None:
        raise _not_found()
    corporate = _corporate_lock(corporate_id=corporate_id)
    account = BankAccount.objects.select_for_update().get(pk=account_id)
    if corporate.status != Corporate.Status.APPROVED:
        raise Conflict(
            CorporateErrorCode.CORPORATE_NOT_APPROVED,
            _("The corporate has not been approved yet."),
        )
    return corporate, account


def _master_notify(*, corporate: Corporate, text: Rendered, purpose: str) -> None:
    master = (
        corporate.managers.filter(role=CorporateManager.Role.MASTER)
        .select_related("member__site")
        .first()
    )
    if master is not None:
        member_notify(
            member=master.member,
            title=text.title,
            body=text.body,
            purpose=purpose,
            prefer="sms",
        )


def _account_label(account: BankAccount) -> str:
    return f"{BANKS[account.bank_code]} {mask_account(account.number)}"


def bank_account_approve(*, site, staff, account_id: int) -> BankAccount:
    """Staff approve a pending request (SPEC §7.2, §8): it goes in use and the account in use
    is retired (deleted), in one transaction under the corporate's row lock, so exactly one
    account is in use even when two approvals race. Retire first, then activate: the partial
    unique constraint (one in_use per corporate) holds after every statement.

    Only for an approved corporate (409 `corporate_not_approved`); pending → in_use only (409
    `invalid_transition`). The master is told by SMS after commit (manual 004 §2.3 "계좌 추가가
    승인되면 담당자에게 문자를 보내드립니다").
    """
    with transaction.atomic():
        corporate, account = _review_start(site=site, staff=staff, account_id=account_id)
        if not account.can_transition_to(Status.IN_USE):  # before the account in use is retired
            raise transition_refused(account, Status.IN_USE)
        now = timezone.now()
        retired = BankAccount.objects.filter(corporate=corporate, status=Status.IN_USE).first()
        if retired is not None:
            transition(
                retired,
                Status.DELETED,
                event=bank_account_retired_event,
                fields={"deleted_at": now},
                actor=staff,
                replaced_by=account,
            )
        transition(
            account,
            Status.IN_USE,
            event=bank_account_approved_event,
            fields={"approved_by": staff, "approved_at": now},
            actor=staff,
            retired=retired,
        )
        _master_notify(
            corporate=corporate,
            text=messages.ACCOUNT_APPROVED.render(
                site=site.name, corporate=corporate.name, account=_account_label(account)
            ),
            purpose="account_approved",
        )
    return account


def bank_account_reject(
    *, site, staff, account_id: int, reason: str, context: RequestContext | None = None
) -> BankAccount:
    """Staff reject a pending request with a reason the master is told by SMS (SPEC §7.2, §8;
    manual 004 §2.3: the master is texted the outcome of a request). The request is deleted
    with the reason (the list shows it); the account in use stays, and the master may ask again.

    `reason_required` / `unsupported_character` (400, as a corporate's rejection); only a
    pending request (409 `invalid_transition`) of an approved corporate (409
    `corporate_not_approved`); another site's account is a 404. `context` is taken as by the
    other review services; the account's event carries no request data.
    """
    reason = rejection_reason_clean(reason)
    with transaction.atomic():
        corporate, account = _review_start(site=site, staff=staff, account_id=account_id)
        if account.status != Status.PENDING:  # the account in use is retired, never rejected
            raise transition_refused(account, Status.DELETED)
        transition(
            account,
            Status.DELETED,
            event=bank_account_rejected_event,
            fields={"deleted_at": timezone.now(), "reject_reason": reason},
            actor=staff,
            reason=reason,
        )
        _master_notify(
            corporate=corporate,
            text=messages.ACCOUNT_REJECTED.render(
                site=site.name,
                corporate=corporate.name,
                account=_account_label(account),
                reason=reason,
            ),
            purpose="account_rejected",
        )
    return account


def bank_account_bankbook_open(
    *,
    corporates: QuerySet[Corporate],
    viewer,
    account_id: int,
    context: RequestContext | None = None,
) -> tuple[BankAccount, File]:
    """The bankbook copy, for the corporate's admins and the site's staff (SPEC §14 uploads).

    A staff read is written to the access log (`personal_data_viewed`: who, whose, what, when,
    from where; SPEC §14 access log).
    """
    account = bank_account_get(corporates=corporates, account_id=account_id)
    file = open_private_upload(account.bankbook)
    if account_can(viewer, account.corporate.site, Capability.SITE_READ):
        master = (
            account.corporate.managers.filter(role=CorporateManager.Role.MASTER)
            .select_related("member")
            .first()
        )
        audit_record(
            type=AuditEvent.Type.PERSONAL_DATA_VIEWED,
            site=account.corporate.site,
            member=master.member if master else None,
            actor=viewer,
            context=context,
            what="bankbook",
            corporate_id=account.corporate_id,
            account_id=account.pk,
        )
    return account, file
