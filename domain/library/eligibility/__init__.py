"""MOIS eligibility providers (비대면 자격확인), pluggable like identity providers (SPEC §6).

`ELIGIBILITY_PROVIDER`: "sandbox" (default) or a dotted path to an `EligibilityProvider`.
A sandbox is handed out only where sandboxes are allowed (domain.common.sandbox).
"""

from django.conf import settings
from django.utils.module_loading import import_string

from domain.common.sandbox import sandbox_require_allowed

from .base import EligibilityProvider

ALIASES = {"sandbox": "domain.library.eligibility.sandbox.SandboxEligibilityProvider"}


def eligibility_provider_class() -> type[EligibilityProvider]:
    """The configured provider class; ImportError if it cannot be loaded."""
    name = getattr(settings, "ELIGIBILITY_PROVIDER", "sandbox")
    return import_string(ALIASES.get(name, name))


def get_eligibility_provider() -> EligibilityProvider:
    provider_class = eligibility_provider_class()
    if provider_class.sandbox:
        sandbox_require_allowed("eligibility provider")
    return provider_class()
