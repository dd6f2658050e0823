"""Consent actions: check sign-up answers, record them, re-consent, withdraw, remind (SPEC §3)."""

import logging
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from domain.audit.models import AuditEvent
from domain.audit.services import RequestContext, audit_record
from domain.common.errors import DomainError
from domain.messaging.services import outbox_email, outbox_sms

from . import messages
from .errors import ConsentErrorCode
from .models import ConsentDocument, ConsentRecord, ConsentReminder
from .selectors import (
    consent_documents_current,
    consent_records_active,
    consents_pending,
    member_documents_current,
)

logger = logging.getLogger(__name__)

Source = ConsentRecord.Source
Channel = ConsentDocument.Channel

AUDIT_AGREED = AuditEvent.Type.CONSENT_AGREED
AUDIT_WITHDRAWN = AuditEvent.Type.CONSENT_WITHDRAWN
# 정보통신망법 art. 50(8): advertising opt-ins are reconfirmed every 2 years (SPEC §13).
REMINDER_YEARS = 2
REMINDER_PURPOSE = "marketing_consent_reminder"


def _agreements_match(
    *, documents: list[ConsentDocument], agreements: list[dict]
) -> dict[str, tuple[ConsentDocument, bool]]:
    """Each answer matched to a current document by code; refuses unknown codes, other versions
    and the same code twice."""
    offered = {document.code: document for document in documents}
    answers: dict[str, tuple[ConsentDocument, bool]] = {}
    for agreement in agreements:
        code = agreement.get("document")
        document = offered.get(code)
        if document is None:
            raise DomainError(
                ConsentErrorCode.UNKNOWN_CONSENT_DOCUMENT,
                _("This consent document is not offered to this member kind."),
                attr="consents",
                extra={"document": code},
            )
        if code in answers:
            raise DomainError(
                ConsentErrorCode.DUPLICATE_CONSENT_DOCUMENT,
                _("Each consent document may be answered only once."),
                attr="consents",
                extra={"document": code},
            )
        if agreement.get("version") != document.version:
            raise DomainError(
                ConsentErrorCode.CONSENT_VERSION_OUTDATED,
                _("A newer version of this consent document has been published; read it again."),
                attr="consents",
                extra={"document": code, "current_version": document.version},
            )
        answers[code] = (document, bool(agreement.get("agreed")))
    return answers


# Sign-up form fields that answer the marketing documents of one channel (SPEC §2, §11).
OPT_IN_FIELDS = {Channel.SMS: "sms_opt_in", Channel.EMAIL: "email_opt_in"}


def _opt_in_answer(document: ConsentDocument, opt_ins: dict[str, bool]) -> bool | None:
    """A marketing document's answer given by the opt-in flags, None if they say nothing.

    A document covering both channels is agreed only when both flags are given and true.
    """
    if not document.is_marketing:
        return None
    if document.channel:
        return opt_ins.get(document.channel)
    if all(channel in opt_ins for channel in OPT_IN_FIELDS):
        return all(opt_ins[channel] for channel in OPT_IN_FIELDS)
    return None


def _opt_ins_apply(
    *,
    documents: list[ConsentDocument],
    answers: dict[str, tuple[ConsentDocument, bool]],
    opt_ins: dict[str, bool],
) -> None:
    """SMS/email opt-ins are consents (SPEC §3): each flag answers its marketing documents; a
    flag contradicting the same document's answer in `consents` is refused."""
    for document in documents:
        flag = _opt_in_answer(document, opt_ins)
        if flag is None:
            continue
        given = answers.get(document.code)
        if given is not None and given[1] != flag:
            field = OPT_IN_FIELDS.get(document.channel, OPT_IN_FIELDS[Channel.SMS])
            raise DomainError(
                ConsentErrorCode.DUPLICATE_CONSENT_DOCUMENT,
                _("The opt-in contradicts the answer given to its consent document."),
                attr=field,
                extra={"document": document.code},
            )
        answers[document.code] = (document, flag)


def consents_validate(
    *,
    site,
    kind: str,
    agreements: list[dict],
    scope: str = ConsentDocument.Scope.SIGN_UP,
    opt_ins: dict[str, bool] | None = None,
) -> list[tuple[ConsentDocument, bool]]:
    """Check a sign-up's (or upgrade's) answers against the current documents (SPEC §3).

    Every current required document must be agreed at its current version, otherwise
    `consent_required` lists the missing codes (refusing one means no sign-up). Optional ones
    may be refused or left out (PIPA art. 22: they never block the service). `opt_ins` (channel
    → agreed, from the form's `sms_opt_in`/`email_opt_in`) answers the marketing documents.
    Returns every current document with the answer, False for an optional one left out.
    """
    documents = consent_documents_current(site=site, kind=kind, scope=scope)
    answers = _agreements_match(documents=documents, agreements=agreements)
    _opt_ins_apply(documents=documents, answers=answers, opt_ins=opt_ins or {})
    missing = [
        document.code
        for document in documents
        if document.required and not answers.get(document.code, (document, False))[1]
    ]
    if missing:
        raise DomainError(
            ConsentErrorCode.CONSENT_REQUIRED,
            _(
                "You must agree to every required document. Without these consents you cannot "
                "sign up or use the service."
            ),
            attr="consents",
            extra={"missing": missing},
        )
    return [(document, answers.get(document.code, (document, False))[1]) for document in documents]


def _records_create(
    *,
    member,
    answers: list[tuple[ConsentDocument, bool, str]],
    context: RequestContext,
    now: datetime,
) -> list[ConsentRecord]:
    return [
        ConsentRecord.objects.create(
            member=member,
            document=document,
            code=document.code,
            version=document.version,
            agreed=agreed,
            created_at=now,
            ip_address=context.ip_address,
            user_agent=context.user_agent[:300],
            source=source,
        )
        for document, agreed, source in answers
    ]


def _audit_answers(*, type: AuditEvent.Type, member, records: list[ConsentRecord], context) -> None:
    if records:
        audit_record(
            type=type,
            site=member.site,
            member=member,
            context=context,
            documents=[
                {"code": r.code, "version": r.version, "agreed": r.agreed, "source": r.source}
                for r in records
            ],
        )


@transaction.atomic
def consents_record(
    *,
    member,
    accepted: list[tuple[ConsentDocument, bool]],
    context: RequestContext,
    source: str,
) -> list[ConsentRecord]:
    """One record per document version answered, with time, IP and user agent (SPEC §3).

    `accepted` is what `consents_validate` returned; call both in the sign-up transaction.
    """
    if source not in Source.values:
        raise ValueError(f"Unknown consent source {source!r}")
    records = _records_create(
        member=member,
        answers=[(document, agreed, source) for document, agreed in accepted],
        context=context,
        now=timezone.now(),
    )
    _audit_answers(type=AUDIT_AGREED, member=member, records=records, context=context)
    return records


@transaction.atomic
def consents_agree_all_required(
    *, member, context: RequestContext, source: str = Source.SIGN_UP
) -> list[ConsentRecord]:
    """Agree to every pending required sign-up document (demo accounts, test factories).

    A member of a kind no document applies to (staff) gets nothing. Returns the new records.
    """
    pending = consents_pending(member=member)
    return consents_record(
        member=member,
        accepted=[(document, True) for document in pending],
        context=context,
        source=source,
    )


@transaction.atomic
def consents_agree(
    *, member, agreements: list[dict], context: RequestContext
) -> list[ConsentRecord]:
    """A member agrees to current versions or withdraws optional consents (SPEC §3).

    Agreeing to a version already agreed is a no-op. `agreed: false` on an optional document
    withdraws it: its active agreements get `withdrawn_at` and a refusal record is added; on a
    required document it is refused (`consent_not_withdrawable`: leaving means withdrawing the
    membership). Returns the new records.
    """
    # Serialise one member's consent changes (two tabs agreeing at once make one record).
    get_user_model().objects.select_for_update().filter(pk=member.pk).first()
    documents = member_documents_current(member=member)
    answers = _agreements_match(documents=documents, agreements=agreements)
    for document, agreed in answers.values():
        if document.required and not agreed:
            raise DomainError(
                ConsentErrorCode.CONSENT_NOT_WITHDRAWABLE,
                _(
                    "A required consent cannot be withdrawn. To stop using the service, "
                    "withdraw your membership."
                ),
                attr="consents",
                extra={"document": document.code},
            )
    active = consent_records_active(member=member, codes=answers)
    now = timezone.now()
    agreed_rows, withdrawn_rows, withdrawn_ids = [], [], []
    for code, (document, agreed) in answers.items():
        records = active.get(code, [])
        if agreed and not any(record.document_id == document.pk for record in records):
            source = Source.RE_CONSENT if document.required else Source.MEMBER
            agreed_rows.append((document, True, source))
        elif not agreed and records:
            withdrawn_ids += [record.pk for record in records]
            withdrawn_rows.append((document, False, Source.MEMBER))
    ConsentRecord.objects.filter(pk__in=withdrawn_ids).update(withdrawn_at=now)
    agreed_records = _records_create(member=member, answers=agreed_rows, context=context, now=now)
    withdrawn_records = _records_create(
        member=member, answers=withdrawn_rows, context=context, now=now
    )
    _audit_answers(type=AUDIT_AGREED, member=member, records=agreed_records, context=context)
    _audit_answers(type=AUDIT_WITHDRAWN, member=member, records=withdrawn_records, context=context)
    return agreed_records + withdrawn_records


def _add_years(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:  # 29 February in a year that has none
        return moment.replace(year=moment.year + years, day=28)


def _cycles_elapsed(since: datetime, now: datetime) -> int:
    """How many whole 2-year periods have passed since `since`."""
    cycles = 0
    while _add_years(since, REMINDER_YEARS * (cycles + 1)) <= now:
        cycles += 1
    return cycles


def _reminder_channel(record: ConsentRecord) -> str | None:
    member, channel = record.member, record.document.channel
    if channel == Channel.SMS:
        return Channel.SMS if member.mobile else None
    if channel == Channel.EMAIL:
        return Channel.EMAIL if member.email else None
    # A marketing consent covering both channels: one notice, by email where there is one.
    if member.email:
        return Channel.EMAIL
    return Channel.SMS if member.mobile else None


def _reminder_send(*, record: ConsentRecord, channel: str) -> None:
    member, site = record.member, record.member.site
    agreed_on = timezone.localtime(record.created_at)
    date = messages.AGREED_ON.render(
        year=agreed_on.year, month=agreed_on.month, day=agreed_on.day
    ).body
    text = messages.MARKETING_REMINDER.render(
        site=site.name, date=date, title=record.document.title
    )
    if channel == Channel.SMS:
        outbox_sms(
            to=member.mobile,
            body=text.body,
            subject=text.title,
            site=site,
            purpose=REMINDER_PURPOSE,
        )
    else:
        outbox_email(
            to=member.email,
            subject=f"[{site.name}] {text.title}",
            body=text.body,
            site=site,
            purpose=REMINDER_PURPOSE,
        )


def marketing_consents_remind(*, now: datetime | None = None) -> int:
    """Send the 2-yearly notice of every marketing opt-in due one (정보통신망법 art. 50(8)).

    Due: the member's newest answer to a marketing document is an active agreement at least two
    years old, and no notice was sent in the current 2-year cycle since that agreement (the
    `ConsentReminder` row of that cycle). Safe to run twice; returns the notices queued.
    """
    Member = get_user_model()
    now = now or timezone.now()
    newer = ConsentRecord.objects.filter(
        member=OuterRef("member"), code=OuterRef("code"), pk__gt=OuterRef("pk")
    )
    due = (
        ConsentRecord.objects.filter(
            agreed=True,
            withdrawn_at__isnull=True,
            document__is_marketing=True,
            created_at__lte=_add_years(now, -REMINDER_YEARS),
            member__status=Member.Status.ACTIVE,
            member__is_active=True,
        )
        .exclude(Exists(newer))
        .select_related("member__site", "document")
        .order_by("pk")
    )
    records = list(due)
    sent_cycles = set(
        ConsentReminder.objects.filter(record__in=records).values_list("record_id", "cycle")
    )
    sent = 0
    for record in records:
        cycle = _cycles_elapsed(record.created_at, now)
        channel = _reminder_channel(record)
        if cycle < 1 or (record.pk, cycle) in sent_cycles or channel is None:
            continue
        try:
            with transaction.atomic():
                ConsentReminder.objects.create(record=record, cycle=cycle, channel=channel)
                _reminder_send(record=record, channel=channel)
        except IntegrityError:  # another run sent this cycle's notice meanwhile
            continue
        except DomainError as exc:  # an address the outbox refuses: nothing can be sent
            logger.warning("Consent reminder for record %s not sent: %s", record.pk, exc)
            continue
        sent += 1
    return sent
