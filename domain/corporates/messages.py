"""What the corporates area sends to company admins and invitees (domain.common.messages:
rendered in Korean; the invitation keeps manual 004 §1.2's wording)."""

from django.utils.translation import gettext_lazy as _

from domain.common.messages import SentText

SIGN_UP_APPROVED = SentText(
    title=_("Sign-up approval notice"),
    body=_(
        "[%(site)s] The company sign-up of %(corporate)s has been approved. You can log in with "
        "the ID %(username)s."
    ),
)
SIGN_UP_REJECTED = SentText(
    title=_("Sign-up rejection notice"),
    body=_("[%(site)s] The company sign-up of %(corporate)s was rejected. Reason: %(reason)s"),
)
ACCOUNT_APPROVED = SentText(
    title=_("Bank account approval notice"),
    body=_(
        "[%(site)s] The bank account %(account)s added for %(corporate)s was approved and is now "
        "the account in use."
    ),
)
ACCOUNT_REJECTED = SentText(
    title=_("Bank account rejection notice"),
    body=_(
        "[%(site)s] The request to add the bank account %(account)s for %(corporate)s was "
        "rejected. Reason: %(reason)s"
    ),
)
INVITATION = SentText(
    title=_("Admin invitation notice"),
    body=_(
        "[%(site)s] You have been invited as an admin. Open the URL below to register as an "
        "admin!\n%(url)s"
    ),
)
MASTER_HANDED_OVER = SentText(
    title=_("Master role transfer notice"),
    body=_(
        "[%(site)s] The master role was transferred to another admin; you are now a general admin."
    ),
)
MASTER_RECEIVED = SentText(
    title=_("Master role transfer notice"),
    body=_("[%(site)s] The master role of %(corporate)s has been transferred to you."),
)
