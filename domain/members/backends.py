"""Authentication backend for Django admin / browsable API session logins.

The ID is unique per site only, so operators sign in as `<site-slug>/<id>` (e.g.
`yongin-library/staff`); a platform superuser signs in with the bare ID. Both go through the
services of the JWT login (`member_authenticate`, `platform_authenticate`): the same lockout,
the same work for every answer, and audit events. The per-IP throttle of these forms is
`api.throttles.login_throttled`.
"""

from django.contrib.auth.backends import ModelBackend

from domain.common.errors import DomainError
from domain.sites.selectors import site_get

from .authentication import member_authenticate, platform_authenticate
from .models import Member


class SiteMemberBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or not password:
            return None
        # Set by api.context.RequestContextMiddleware; absent when called outside a request.
        context = getattr(request, "audit_context", None)
        slug, sep, login_id = username.partition("/")
        try:
            if not sep:
                return platform_authenticate(username=username, password=password, context=context)
            member = member_authenticate(
                site=site_get(slug=slug), username=login_id, password=password, context=context
            )
        except DomainError:
            return None
        return member if self.user_can_authenticate(member) else None

    def user_can_authenticate(self, user):
        # Sessions are for operators (admin, browsable API). Members log in through the API,
        # where a site's second step (onnuri-biz SMS code, SPEC §5) cannot be skipped.
        return (
            super().user_can_authenticate(user)
            and user.status == Member.Status.ACTIVE
            and user.is_staff
        )
