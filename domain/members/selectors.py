"""Read queries shared by the API and workers (STYLE: selectors)."""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from domain.audit.models import AuditEvent
from domain.audit.services import RequestContext, audit_record
from domain.common.capabilities import Capability, account_can
from domain.common.errors import NotFound

from .errors import MemberErrorCode
from .models import Guardianship, Member


def member_wards(*, guardian: Member) -> QuerySet[Member]:
    """Child members whose verified guardian is this member (SPEC §8 role `guardian`).

    The link is the guardian's verified identity (CI hash) recorded at the child's sign-up, so
    a guardian who joins later is recognised too.
    """
    if not guardian.ci_hash or not guardian.site_id:
        return Member.objects.none()
    children = Guardianship.objects.filter(guardian_ci_hash=guardian.ci_hash).values("child_id")
    return Member.objects.filter(site_id=guardian.site_id, pk__in=children).exclude(
        status=Member.Status.WITHDRAWN
    )


def member_get_for(
    *, viewer: Member, member_id: int, site=None, context: RequestContext | None = None
) -> Member:
    """A member `viewer` may act for: a ward (guardian) or, for staff, any member of the site.

    Anything else is NotFound, never a 403 (SPEC §8: no one sees another member's data). A staff
    read is written to the access log (SPEC §14).
    """
    site = site or viewer.site
    if account_can(viewer, site, Capability.SITE_READ):
        member = Member.objects.filter(site=site, pk=member_id).first()
        if member is not None and member.pk != viewer.pk:
            audit_record(
                type=AuditEvent.Type.PERSONAL_DATA_VIEWED,
                site=site,
                actor=viewer,
                member=member,
                context=context,
                what="profile",
            )
    else:
        member = member_wards(guardian=viewer).filter(pk=member_id).first()
    if member is None:
        raise member_not_found()
    return member


def member_not_found() -> NotFound:
    return NotFound(MemberErrorCode.MEMBER_NOT_FOUND, _("No such member."))
