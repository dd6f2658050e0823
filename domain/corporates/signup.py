"""New corporate sign-up (기업 신규 가입; manual 004 §1.1; SPEC §7.1).

The company sends its business information with three documents (business registration
certificate, bankbook copy, one headcount document) and its manager's details; the manager's
name, birth date, gender, nationality and mobile come from the verification, never from the form.
Field errors are collected and reported together; the files are deleted and the verification
token stays usable on any refusal. The corporate then waits for the operator's review
(domain.corporates.review): until approved its manager cannot log in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import IO, Any

from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from domain.audit.services import RequestContext
from domain.common.errors import CommonErrorCode, DomainError, ValidationFailed
from domain.common.numbers import normalise_business_number
from domain.common.uploads import (
    DOCUMENT_TYPES,
    StorageUnavailable,
    StoredUpload,
    delete_private_upload,
    store_private_upload,
)
from domain.consents.services import consents_record
from domain.members.events import member_created_event
from domain.members.models import Member
from domain.members.registration import member_create_verified, username_taken_error
from domain.members.reverification import site_feature_require
from domain.sites.errors import SiteErrorCode
from domain.verifications.models import Verification
from domain.verifications.services import verification_consume

from .accounts import account_number_normalise
from .banks import ACCOUNT_NUMBER_PATTERN, BANKS
from .corporate_admins import (
    MANAGER_KIND,
    manager_answers_check,
    manager_person_check,
    manager_verification_methods,
)
from .errors import CorporateErrorCode
from .events import corporate_signed_up_event
from .models import BankAccount, Corporate, CorporateManager
from .terms import default_terms

FEATURE = "corporates"
REPRESENTATIVE_PHONE_RE = re.compile(r"[0-9]{9,12}")  # a landline or mobile, area code included
FILE_FIELDS = ("registration_certificate", "bankbook", "headcount_document")

BUSINESS_NUMBER_TAKEN = _("This business registration number has already joined.")


@dataclass
class CorporateSignUpData:
    """What the two sign-up screens send (manual 004 §1.1 사업자 정보, 담당자 정보)."""

    company_name: str
    business_number: str
    representative_name: str
    representative_phone: str
    registration_certificate: IO[bytes]
    bank_code: str
    account_number: str
    account_holder: str
    bankbook: IO[bytes]
    headcount_document_type: str
    headcount_document: IO[bytes]
    headcount: int
    department: str
    position: str
    email: str
    username: str
    password: str
    password_confirm: str
    verification_token: str
    consents: list[dict[str, Any]] = field(default_factory=list)


def _phone_digits(value: str) -> str:
    return re.sub(r"[\s-]", "", value or "")


def _business_errors(site, data: CorporateSignUpData) -> list[DomainError]:
    errors: list[DomainError] = []
    number = normalise_business_number(data.business_number)
    if number is None:
        errors.append(
            DomainError(
                CommonErrorCode.INVALID_BUSINESS_NUMBER,
                _("The business registration number is not valid (check digit)."),
                attr="business_number",
            )
        )
    elif (
        Corporate.objects.filter(site=site, business_number=number)
        .exclude(status=Corporate.Status.REJECTED)
        .exists()
    ):
        errors.append(
            DomainError(
                CorporateErrorCode.BUSINESS_NUMBER_TAKEN,
                BUSINESS_NUMBER_TAKEN,
                attr="business_number",
            )
        )
    if not REPRESENTATIVE_PHONE_RE.fullmatch(_phone_digits(data.representative_phone)):
        errors.append(
            DomainError(
                CommonErrorCode.INVALID_PHONE,
                _("Enter the company's phone number (9 to 12 digits)."),
                attr="representative_phone",
            )
        )
    if data.bank_code not in BANKS:
        errors.append(
            DomainError(
                CorporateErrorCode.INVALID_BANK, _("Choose one of the banks."), attr="bank_code"
            )
        )
    if not re.fullmatch(
        ACCOUNT_NUMBER_PATTERN, account_number_normalise(data.account_number), re.ASCII
    ):
        errors.append(
            DomainError(
                CorporateErrorCode.INVALID_ACCOUNT_NUMBER,
                _("The account number must have 10 to 14 digits."),
                attr="account_number",
            )
        )
    if data.account_holder.strip() != data.company_name.strip():
        errors.append(
            DomainError(
                CorporateErrorCode.ACCOUNT_HOLDER_MISMATCH,
                _(
                    "The account holder must be exactly the company name on the business "
                    "registration certificate."
                ),
                attr="account_holder",
            )
        )
    if data.headcount_document_type not in Corporate.HeadcountDocument.values:
        errors.append(
            DomainError(
                CommonErrorCode.INVALID_CHOICE,
                _("Choose one of the headcount documents."),
                attr="headcount_document_type",
            )
        )
    if data.headcount < 1:
        errors.append(
            DomainError(
                CommonErrorCode.INVALID, _("Enter the number of employees."), attr="headcount"
            )
        )
    for name in ("department", "position"):
        if not getattr(data, name).strip():
            errors.append(
                DomainError(CommonErrorCode.REQUIRED, _("This field is required."), attr=name)
            )
    return errors


def _files_store(
    site, data: CorporateSignUpData, stored: dict[str, StoredUpload]
) -> list[DomainError]:
    """Check and store each document (type by content, ≤ 10 MB; SPEC §14); the refusals."""
    errors: list[DomainError] = []
    for name in FILE_FIELDS:
        try:
            stored[name] = store_private_upload(
                file=getattr(data, name),
                folder=f"corporates/{site.slug}/{name}",
                allowed=DOCUMENT_TYPES,
                attr=name,
            )
        except StorageUnavailable:
            raise  # not the file's fault: the storage is down (503), nothing else is tried
        except DomainError as exc:
            errors.append(exc)
    return errors


def corporate_sign_up(
    *, site, data: CorporateSignUpData, context: RequestContext | None = None
) -> Corporate:
    """Sign up a new corporate and its first manager (manual 004 §1.1; SPEC §7.1).

    Checks, all reported together: the business number's check digit
    (`invalid_business_number`) and uniqueness on the site (`business_number_taken`), the
    company phone (`invalid_phone`), the bank (`invalid_bank`), the account number
    (`invalid_account_number`), the holder equal to the company name (`account_holder_mismatch`;
    "반드시 예금주가 사업자등록증의 상호명과 동일한 계좌"), the three files (PDF/JPG/PNG by
    content, ≤ 10 MB), the site's ID and password rules (the codes of member sign-up) and the
    consents. Then, in one transaction: the verification (purpose sign_up, mobile) is consumed;
    the manager must be an adult not yet registered (`already_registered`); the corporate
    (pending review, default terms by headcount), the manager (status pending, role master:
    the corporate has no other), the first bank account (pending until the approval) and the
    consent records are created with their event and audit rows.
    """
    site_feature_require(site=site, feature=FEATURE)
    context = context or RequestContext()
    if site.rules.kind(MANAGER_KIND) is None:  # the feature without the kind: misconfigured
        raise DomainError(
            SiteErrorCode.UNKNOWN_MEMBER_KIND, _("This site has no such member kind.")
        )
    stored: dict[str, StoredUpload] = {}
    try:
        errors = _business_errors(site, data)
        form_errors, accepted = manager_answers_check(
            site=site,
            username=data.username,
            password=data.password,
            password_confirm=data.password_confirm,
            email=data.email,
            consents=data.consents,
        )
        errors += form_errors
        errors += _files_store(site, data, stored)
        if errors:
            raise ValidationFailed(errors)
        return _create(site, data, accepted, stored, context)
    except Exception:
        # No row refers to the files once the transaction is rolled back.
        for upload in stored.values():
            delete_private_upload(upload.path)
        raise


def _create(site, data, accepted, stored, context) -> Corporate:
    username = site.rules.username.fold(data.username)
    number = normalise_business_number(data.business_number)
    methods = manager_verification_methods(site=site, purpose=Verification.Purpose.SIGN_UP)
    password_hash = make_password(data.password)  # outside the transaction (SQLite write lock)
    try:
        with transaction.atomic():
            if Member.objects.filter(site=site, username=username).exists():
                raise username_taken_error()
            person = verification_consume(
                site=site,
                token=data.verification_token,
                purpose=Verification.Purpose.SIGN_UP,
                methods=methods or None,
            )
            manager_person_check(site=site, person=person)
            terms = default_terms(data.headcount)
            corporate = Corporate.objects.create(
                site=site,
                name=data.company_name.strip(),
                business_number=number,
                representative_name=data.representative_name.strip(),
                representative_phone=_phone_digits(data.representative_phone),
                registration_certificate=stored["registration_certificate"].path,
                registration_certificate_type=stored["registration_certificate"].content_type,
                headcount=data.headcount,
                headcount_document_type=data.headcount_document_type,
                headcount_document=stored["headcount_document"].path,
                headcount_document_content_type=stored["headcount_document"].content_type,
                status=Corporate.Status.PENDING_REVIEW,
                discount_rate=terms.discount_rate,
                monthly_discount_limit=terms.monthly_discount_limit,
                monthly_purchase_limit=terms.monthly_purchase_limit,
            )
            member = member_create_verified(
                site=site,
                username=username,
                kind=MANAGER_KIND,
                person=person,
                password_hash=password_hash,
                email=data.email,
                status=Member.Status.PENDING,  # no login before the approval (SPEC §7.1)
            )
            CorporateManager.objects.create(
                member=member,
                corporate=corporate,
                role=CorporateManager.Role.MASTER,
                department=data.department.strip(),
                position=data.position.strip(),
            )
            account = BankAccount.objects.create(
                corporate=corporate,
                bank_code=data.bank_code,
                number=account_number_normalise(data.account_number),
                holder=data.account_holder.strip(),
                bankbook=stored["bankbook"].path,
                bankbook_content_type=stored["bankbook"].content_type,
                status=BankAccount.Status.PENDING,
                requested_by=member,
            )
            consents_record(member=member, accepted=accepted, context=context, source="sign_up")
            corporate_signed_up_event(
                corporate, actor=member, bank_account=account, headcount=data.headcount
            )
            member_created_event(member, context=context, corporate=corporate.pk)
    except IntegrityError:  # a concurrent sign-up took the number or the ID meanwhile
        if Corporate.objects.filter(site=site, business_number=number).exists():
            raise DomainError(
                CorporateErrorCode.BUSINESS_NUMBER_TAKEN,
                BUSINESS_NUMBER_TAKEN,
                attr="business_number",
            )
        raise username_taken_error()
    return corporate
