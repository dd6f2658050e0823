"""Choosing an identity provider per method from settings (like Django's email backends).

`IDENTITY_PROVIDER` ("sandbox", "portone" or a dotted path) applies to every identity method;
`IDENTITY_PROVIDER_<METHOD>` (e.g. IDENTITY_PROVIDER_MOBILE) overrides it for one method.
A sandbox is handed out only where sandboxes are allowed (domain.common.sandbox).
"""

from django.conf import settings
from django.utils.module_loading import import_string

from domain.common.sandbox import sandbox_require_allowed

from .base import IdentityProvider

ALIASES = {
    "sandbox": "domain.verifications.providers.sandbox.SandboxIdentityProvider",
    "portone": "domain.verifications.providers.portone.PortOneIdentityProvider",
}


def identity_provider_class(method: str) -> type[IdentityProvider]:
    """The configured provider class for `method`; ImportError if it cannot be loaded."""
    name = getattr(settings, f"IDENTITY_PROVIDER_{method.upper()}", "") or getattr(
        settings, "IDENTITY_PROVIDER", "sandbox"
    )
    return import_string(ALIASES.get(name, name))


def get_identity_provider(method: str) -> IdentityProvider:
    provider_class = identity_provider_class(method)
    if provider_class.sandbox:
        sandbox_require_allowed(f"identity provider ({method})")
    return provider_class()
