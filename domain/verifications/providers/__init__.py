"""Choosing an identity provider per method from settings (like Django's email backends).

`IDENTITY_PROVIDER` ("sandbox", "portone" or a dotted path) applies to every identity method;
`IDENTITY_PROVIDER_<METHOD>` (e.g. IDENTITY_PROVIDER_MOBILE) overrides it for one method.
"""

from django.conf import settings
from django.utils.module_loading import import_string

from .base import IdentityProvider

ALIASES = {
    "sandbox": "domain.verifications.providers.sandbox.SandboxIdentityProvider",
    "portone": "domain.verifications.providers.portone.PortOneIdentityProvider",
}


def get_identity_provider(method: str) -> IdentityProvider:
    name = getattr(settings, f"IDENTITY_PROVIDER_{method.upper()}", "") or getattr(
        settings, "IDENTITY_PROVIDER", "sandbox"
    )
    return import_string(ALIASES.get(name, name))()
