"""Who is calling and from where, read once at the HTTP edge and handed to services as data.

`request_context` is the one reading of a request into `RequestContext` (domain.audit.services),
the value audit rows record. API views call it (`SiteScopedMixin.context`); the other code that
answers HTTP — the Django admin and its log-in backend, which live in `domain` and may not import
`api` — reads `request.audit_context`, set by `RequestContextMiddleware` as Django's
`AuthenticationMiddleware` sets `request.user`.
"""

from __future__ import annotations

import ipaddress

from rest_framework.throttling import BaseThrottle

from domain.audit.services import RequestContext


def client_ip(request) -> str:
    """The caller's address, by the one rule of every per-IP throttle (SPEC §14).

    DRF's `get_ident` with `NUM_PROXIES`: 0 (the default) takes the socket's `REMOTE_ADDR`
    and ignores `X-Forwarded-For`, which any client can write; N > 0 takes the address the
    N-th proxy from us appended. Audit rows record the same address the throttles count.
    """
    return BaseThrottle().get_ident(request) or ""


def request_context(request) -> RequestContext:
    """The caller's address (None unless it is an IP address) and user agent."""
    address = client_ip(request)
    try:
        ipaddress.ip_address(address)
    except ValueError:  # a misconfigured proxy count can surface a client-written value
        address = None
    return RequestContext(ip_address=address, user_agent=request.META.get("HTTP_USER_AGENT", ""))


class RequestContextMiddleware:
    """Sets `request.audit_context` on every request, for the admin and its log-in backend."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.audit_context = request_context(request)
        return self.get_response(request)
