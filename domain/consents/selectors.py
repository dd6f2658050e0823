"""Read queries on consents, shared by the API, services and workers (SPEC §3)."""

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from domain.common.errors import DomainError
from domain.members.errors import MemberErrorCode
from domain.sites.models import Site

from .models import ConsentDocument, ConsentRecord

Scope = ConsentDocument.Scope


def _latest_versions(documents: Iterable[ConsentDocument]) -> list[ConsentDocument]:
    """The highest version per code, in display order."""
    latest: dict[str, ConsentDocument] = {}
    for document in documents:
        if document.code not in latest or document.version > latest[document.code].version:
            latest[document.code] = document
    return sorted(latest.values(), key=lambda d: (d.position, d.code))


def _effective(*, site_id: int, scope: str, now: datetime | None = None):
    return ConsentDocument.objects.filter(
        site_id=site_id, scope=scope, effective_at__lte=now or timezone.now()
    )


def member_kind_check(*, site: Site, kind: str) -> None:
    if site.rules.kind(kind) is None:
        raise DomainError(
            MemberErrorCode.UNKNOWN_MEMBER_KIND,
            _("This site has no such member kind."),
            attr="kind",
            extra={"kinds": [k.code for k in site.rules.member_kinds]},
        )


def consent_documents_current(
    *, site: Site, kind: str, scope: str = Scope.SIGN_UP
) -> list[ConsentDocument]:
    """The current version of every document of `site` offered to `kind` in `scope`.

    The current version of a code is the highest version whose effective date has come; the
    kinds are read from that version (a new version may apply to other kinds). SPEC §3.
    """
    member_kind_check(site=site, kind=kind)
    documents = _latest_versions(_effective(site_id=site.pk, scope=scope))
    return [document for document in documents if document.applies_to(kind)]


def member_documents_current(*, member) -> list[ConsentDocument]:
    """The current sign-up documents `member` answers. Operators (staff) are not members of
    the service: no document applies to them (SPEC §8), so they have none."""
    if not member.site_id or member.is_staff:
        return []
    return consent_documents_current(site=member.site, kind=member.kind)


def consents_pending(*, member) -> list[ConsentDocument]:
    """Required sign-up documents whose current version `member` has not agreed to (SPEC §3).

    Runs on every authenticated request (the "required action" check), so it is one query: the
    effective documents of the member's site, each annotated with whether the member holds an
    active agreement to that very row.
    """
    if not member.site_id:
        return []
    agreed = ConsentRecord.objects.filter(
        member_id=member.pk, document=OuterRef("pk"), agreed=True, withdrawn_at__isnull=True
    )
    documents = _latest_versions(
        _effective(site_id=member.site_id, scope=Scope.SIGN_UP)
        .defer("body")
        .annotate(agreed=Exists(agreed))
    )
    return [
        document
        for document in documents
        if document.required and document.applies_to(member.kind) and not document.agreed
    ]


def consent_records_active(*, member, codes: Iterable[str]) -> dict[str, list[ConsentRecord]]:
    """The member's active agreements (agreed, not withdrawn) per code, newest first."""
    active: dict[str, list[ConsentRecord]] = {}
    records = ConsentRecord.objects.filter(
        member_id=member.pk, code__in=list(codes), agreed=True, withdrawn_at__isnull=True
    ).order_by("-created_at", "-id")
    for record in records:
        active.setdefault(record.code, []).append(record)
    return active


def member_consent_state(*, member) -> list[dict]:
    """Per current sign-up document of the member's kind: what the member has agreed to.

    `agreed` is true when the member holds an active agreement to the current version;
    `agreed_version` and `agreed_at` describe that agreement or, failing it, the newest active
    agreement to an older version (an optional consent given to it stays in force).
    """
    documents = member_documents_current(member=member)
    active = consent_records_active(member=member, codes=[d.code for d in documents])
    state = []
    for document in documents:
        records = active.get(document.code, [])
        current = next((r for r in records if r.document_id == document.pk), None)
        shown = current or (records[0] if records else None)
        state.append(
            {
                "code": document.code,
                "version": document.version,
                "title": document.title,
                "required": document.required,
                "is_marketing": document.is_marketing,
                "agreed": current is not None,
                "agreed_version": shown.version if shown else None,
                "agreed_at": shown.created_at if shown else None,
            }
        )
    return state
