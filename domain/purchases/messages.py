"""What the purchases area sends to company admins (domain.common.messages: rendered in
Korean)."""

from django.utils.translation import gettext_lazy as _

from domain.common.messages import SentText

PURCHASE_APPROVED = SentText(
    title=_("Purchase approval notice"),
    body=_(
        "[%(site)s] The Onnuri gift certificate purchase of %(amount)s won by %(corporate)s "
        "was approved. Valid until %(until)s"
    ),
)
