"""Required actions (Keycloak's term): things a member must do before anything else works.

SPEC §3: a new version of a required consent document must be agreed at the next login.
SPEC §5: after a password reset, only the password change works until it is done.
"""

from django.utils.translation import gettext_lazy as _

from domain.common.errors import PermissionDenied
from domain.consents.errors import ConsentErrorCode
from domain.consents.selectors import consents_pending_cached

from .errors import MemberErrorCode


def required_action_check(*, member, consent_exempt: bool, password_exempt: bool) -> None:
    if member.password_change_required and not password_exempt:
        raise PermissionDenied(
            MemberErrorCode.PASSWORD_CHANGE_REQUIRED,
            _("Change your temporary password before continuing."),
        )
    if consent_exempt or password_exempt:
        return
    pending = consents_pending_cached(member=member)
    if pending:
        raise PermissionDenied(
            ConsentErrorCode.CONSENT_REQUIRED,
            _("Agree to the updated terms before continuing."),
            extra={
                "documents": [
                    {"code": d.code, "version": d.version, "title": d.title} for d in pending
                ]
            },
        )
