"""Required actions (Keycloak's term): things a member must do before anything else works.

SPEC §3: a new version of a required consent document must be agreed at the next login.
SPEC §5: after a password reset, only the password change works until it is done.
"""

from django.utils.translation import gettext_lazy as _

from domain.common.errors import PermissionDenied


def required_action_check(*, member, consent_exempt: bool, password_exempt: bool) -> None:
    if member.password_change_required and not password_exempt:
        raise PermissionDenied(
            "password_change_required",
            _("Change your temporary password before continuing."),
        )
    if consent_exempt or password_exempt:
        return
    from domain.consents.selectors import consents_pending_cached

    pending = consents_pending_cached(member=member)
    if pending:
        raise PermissionDenied(
            "consent_required",
            _("Agree to the updated terms before continuing."),
            extra={
                "documents": [
                    {"code": d.code, "version": d.version, "title": d.title} for d in pending
                ]
            },
        )
