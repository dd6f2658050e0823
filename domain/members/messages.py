"""What the members area sends to members (domain.common.messages: rendered in Korean)."""

from django.utils.translation import gettext_lazy as _

from domain.common.messages import SentText

PASSWORD_CHANGED = SentText(
    title=_("Password change notice"),
    body=_(
        "[%(site)s] Your password has been changed. If you did not change it, please contact "
        "customer service."
    ),
)
TEMPORARY_PASSWORD = SentText(
    title=_("Temporary password notice"),
    body=_(
        "[%(site)s] Temporary password: %(password)s\n"
        "Log in within 24 hours and change it to a new password."
    ),
)
NAME_CHANGE_APPROVED = SentText(
    title=_("Name change notice"),
    body=_("[%(site)s] Your name change request was approved and your member name changed."),
)
NAME_CHANGE_REJECTED = SentText(
    title=_("Name change notice"),
    body=_("[%(site)s] Your name change request was rejected. Reason: %(reason)s"),
)
