import ipaddress
from dataclasses import dataclass

from .models import AuditEvent


def client_ip(request) -> str:
    """The caller's address, by the one rule of every per-IP throttle (SPEC §14).

    DRF's `get_ident` with `NUM_PROXIES`: 0 (the default) takes the socket's `REMOTE_ADDR`
    and ignores `X-Forwarded-For`, which any client can write; N > 0 takes the address the
    N-th proxy from us appended. Audit rows (`RequestContext.from_request`) record the same.
    """
    from rest_framework.throttling import BaseThrottle

    return BaseThrottle().get_ident(request) or ""


@dataclass(frozen=True)
class RequestContext:
    """Who is calling and from where; built at the HTTP edge (API views, the Django admin and
    its log-in backend) with `from_request`, passed to services as data."""

    ip_address: str | None = None
    user_agent: str = ""

    @classmethod
    def from_request(cls, request) -> "RequestContext":
        address = client_ip(request)
        try:
            ipaddress.ip_address(address)
        except ValueError:  # a misconfigured proxy count can surface a client-written value
            address = None
        return cls(ip_address=address, user_agent=request.META.get("HTTP_USER_AGENT", ""))


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
