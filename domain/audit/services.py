from dataclasses import dataclass

from .models import AuditEvent


@dataclass(frozen=True)
class RequestContext:
    """Who is calling and from where (SPEC §14 audit rows): a plain value built at the HTTP edge
    (`api.context.request_context`) and passed to services; jobs and commands pass none."""

    ip_address: str | None = None
    user_agent: str = ""


def audit_record(
    *,
    type: AuditEvent.Type,
    site=None,
    member=None,
    actor=None,
    subject_username: str = "",
    context: RequestContext | None = None,
    **parameters,
) -> AuditEvent:
    context = context or RequestContext()
    return AuditEvent.objects.create(
        type=type,
        site=site,
        member=member,
        actor=actor,
        subject_username=subject_username or (member.username if member else ""),
        ip_address=context.ip_address,
        user_agent=context.user_agent[:300],
        parameters=parameters,
    )
