"""What the consents area sends to members (domain.common.messages: rendered in Korean).

The marketing consent reminder's content is fixed by the decree (정보통신망법 art. 50(8)):
the sender, the date and fact of the consent, and how to keep or withdraw it (SPEC §13).
"""

from django.utils.translation import gettext_lazy as _

from domain.common.messages import SentText

MARKETING_REMINDER = SentText(
    title=_("Notice of your consent to receive advertising"),
    body=_(
        "[%(site)s] Notice of your consent to receive advertising information\n"
        "On %(date)s you agreed to '%(title)s'.\n"
        "Under Article 50(8) of the Information and Communications Network Act we tell you "
        "every 2 years whether you consent to receive it.\n"
        "To keep your consent, nothing needs to be done; to withdraw it, log in and withdraw it "
        "at any time under consent management in your member information."
    ),
)
# The date of the consent as the reminder says it.
AGREED_ON = SentText(body=_("%(month)s/%(day)s/%(year)s"))
