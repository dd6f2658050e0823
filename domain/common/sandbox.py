"""Sandbox providers only where allowed (SPEC §12: development, tests and staging).

The provider factories call `sandbox_require_allowed` before handing out a sandbox, so a server
whose start-up check was skipped still verifies nobody with `000000` and logs nobody in with
`ok-<id>`. Allowed by settings.SANDBOX_PROVIDERS_ALLOWED (UNSAFE_ALLOW_SANDBOX_PROVIDERS).
"""

import logging

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .errors import CommonErrorCode, ServiceUnavailable

logger = logging.getLogger(__name__)


class ProviderNotConfigured(ServiceUnavailable):
    default_code = CommonErrorCode.PROVIDER_NOT_CONFIGURED
    default_message = _("This service is not configured on this server. Try again later.")


def sandboxes_allowed() -> bool:
    return bool(getattr(settings, "SANDBOX_PROVIDERS_ALLOWED", False))


def sandbox_require_allowed(what: str) -> None:
    """Raise ProviderNotConfigured (503) unless sandboxes are allowed; `what` goes to the log."""
    if not sandboxes_allowed():
        logger.error("Refused the sandbox %s: sandbox providers are not allowed here.", what)
        raise ProviderNotConfigured()
