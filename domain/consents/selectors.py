"""Read queries on consents, shared by the API, services and workers (SPEC §3)."""

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from domain.common.caching import MISSING, tagged_get, tagged_set
from domain.common.errors import DomainError
from domain.sites.errors import SiteErrorCode
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
            SiteErrorCode.UNKNOWN_MEMBER_KIND,
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


def _pending_and_next_change(
    *, member, now: datetime
) -> tuple[list[ConsentDocument], datetime | None]:
    """`consents_pending`, and when its answer changes by itself: the `effective_at` of the next
    sign-up document version published for later (None if there is none). One query."""
    agreed = ConsentRecord.objects.filter(
        member_id=member.pk, document=OuterRef("pk"), agreed=True, withdrawn_at__isnull=True
    )
    documents = list(
        ConsentDocument.objects.filter(site_id=member.site_id, scope=Scope.SIGN_UP)
        .order_by()  # sorted below; the model's ordering would join the site
        .defer("body")
        .annotate(agreed=Exists(agreed))
    )
    pending = [
        document
        for document in _latest_versions(d for d in documents if d.effective_at <= now)
        if document.required and document.applies_to(member.kind) and not document.agreed
    ]
    return pending, min((d.effective_at for d in documents if d.effective_at > now), default=None)


def consents_pending(*, member) -> list[ConsentDocument]:
    """Required sign-up documents whose current version `member` has not agreed to (SPEC §3).

    One query: the sign-up documents of the member's site, each annotated with whether the
    member holds an active agreement to that very row.
    """
    if not member.site_id:
        return []
    return _pending_and_next_change(member=member, now=timezone.now())[0]


# A bound on how long a cached answer can outlive a change made around the model (raw SQL, a
# data migration); every change through the ORM or the admin takes effect at once.
NOTHING_PENDING_SECONDS = 600


def consents_pending_cached(*, member) -> list[ConsentDocument]:
    """`consents_pending` for the required-action check that runs on every request.

    A "nothing pending" answer is cached per member, tagged with the member's kind and the
    `updated_at` of the member's site, which publishing or changing a document bumps
    (`ConsentDocument.save`), and kept until the next version published for later takes effect.
    The site row comes with the member, loaded afresh by each request's authentication, so
    while the answer holds the check costs no query, and a published version blocks at once in
    every server process. A pending
    answer is never cached, so agreeing lets the member through at once; nothing a member does
    makes a required document pending again (a required consent cannot be withdrawn).
    """
    if not member.site_id:
        return []
    key = f"consents:nothing-pending:{member.pk}"
    tag = (member.kind, member.site.updated_at.isoformat())
    if tagged_get(key, tag) is not MISSING:
        return []
    pending, next_change = _pending_and_next_change(member=member, now=timezone.now())
    if not pending:
        tagged_set(key, tag, True, seconds=NOTHING_PENDING_SECONDS, until=next_change)
    return pending


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
