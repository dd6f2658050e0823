"""What the verifications area sends (domain.common.messages: rendered in Korean)."""

from django.utils.translation import gettext_lazy as _

from domain.common.messages import SentText

SMS_CODE = SentText(body=_("[%(site)s] Enter the verification code [%(code)s] within 3 minutes."))
