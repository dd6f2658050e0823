"""Read queries on corporates shared by the API, the admin and the services (SPEC §7.1, §7.2)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from domain.common.errors import NotFound
from domain.common.queries import CompiledRead

from .errors import CorporateErrorCode
from .models import BankAccount, Corporate, CorporateManager

# The sign-up documents a corporate keeps (manual 004 §1.1 사업자등록증, 추가서류, 통장사본).
DOCUMENT_KINDS = ("registration_certificate", "headcount_document", "bankbook")


@dataclass(frozen=True)
class CorporateDocument:
    kind: str
    path: str
    content_type: str


MANAGER_ROW = "_corporate_manager_row"  # member_manager's cache on the member object


def corporate_not_found() -> NotFound:
    return NotFound(CorporateErrorCode.CORPORATE_NOT_FOUND, _("No such corporate."))


def corporate_list(*, site, filters: dict | None = None) -> QuerySet[Corporate]:
    """The site's corporates, newest first; `filters` may hold `status`."""
    corporates = Corporate.objects.filter(site=site)
    status = (filters or {}).get("status")
    if status:
        corporates = corporates.filter(status=status)
    return corporates


def corporate_get(*, site, corporate_id: int) -> Corporate:
    """One corporate of the site, or 404 `corporate_not_found`."""
    corporate = Corporate.objects.filter(site=site, pk=corporate_id).first()
    if corporate is None:
        raise corporate_not_found()
    return corporate


# The manager row with its corporate, every column of both, compiled to SQL once per process
# (domain.common.queries): every onnuri-biz request's permission check reads it.
_MANAGER_COLUMNS = [field.attname for field in CorporateManager._meta.concrete_fields]
_CORPORATE_COLUMNS = [field.attname for field in Corporate._meta.concrete_fields]
_manager_rows = CompiledRead(
    lambda member_id: (
        CorporateManager.objects.filter(member_id=member_id)
        .order_by()
        .values_list(*_MANAGER_COLUMNS, *(f"corporate__{name}" for name in _CORPORATE_COLUMNS))
    )
)


def member_manager(member) -> CorporateManager | None:
    """The member's manager row with its corporate, whatever their states (a member has at
    most one), read once per member object: a request's permission check (its role,
    domain.capabilities) and its view (the corporate scope) share the one query. (Joining it
    into the authentication's member query instead cost every request of every site more
    than the query it saves on onnuri-biz.)"""
    if MANAGER_ROW not in member.__dict__:
        rows = _manager_rows(member.pk)
        manager = None
        if rows:
            split = len(_MANAGER_COLUMNS)
            manager = CorporateManager.from_db("default", _MANAGER_COLUMNS, rows[0][:split])
            manager.corporate = Corporate.from_db("default", _CORPORATE_COLUMNS, rows[0][split:])
        member.__dict__[MANAGER_ROW] = manager
    return member.__dict__[MANAGER_ROW]


def corporate_master(*, corporate: Corporate) -> CorporateManager | None:
    """The master (마스터 관리자) of the corporate: at sign-up, the manager who applied."""
    return (
        CorporateManager.objects.select_related("member")
        .filter(corporate=corporate, role=CorporateManager.Role.MASTER)
        .first()
    )


def bank_account_in_use(*, corporate: Corporate) -> BankAccount | None:
    """The one account in use (SPEC §7.2), or None before approval."""
    return BankAccount.objects.filter(corporate=corporate, status=BankAccount.Status.IN_USE).first()


def bank_account_for_bankbook(*, corporate: Corporate) -> BankAccount | None:
    """The account whose bankbook copy the corporate shows: the one in use, else the first one
    registered (the sign-up account while the review is pending)."""
    return bank_account_in_use(corporate=corporate) or (
        BankAccount.objects.filter(corporate=corporate).order_by("created_at", "id").first()
    )


def corporate_documents(*, corporate: Corporate) -> list[CorporateDocument]:
    """The sign-up documents of the corporate that are on file."""
    documents = [
        CorporateDocument(
            "registration_certificate",
            corporate.registration_certificate,
            corporate.registration_certificate_type,
        ),
        CorporateDocument(
            "headcount_document",
            corporate.headcount_document,
            corporate.headcount_document_content_type,
        ),
    ]
    account = bank_account_for_bankbook(corporate=corporate)
    if account is not None:
        documents.append(
            CorporateDocument("bankbook", account.bankbook, account.bankbook_content_type)
        )
    return [document for document in documents if document.path]


def corporate_document(*, corporate: Corporate, kind: str) -> CorporateDocument:
    """One document by kind, or 404 `document_not_found`."""
    for document in corporate_documents(corporate=corporate):
        if document.kind == kind:
            return document
    raise NotFound(CorporateErrorCode.DOCUMENT_NOT_FOUND, _("No such document."))
