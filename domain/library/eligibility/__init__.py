"""MOIS eligibility providers (비대면 자격확인), pluggable like identity providers (SPEC §6).

`ELIGIBILITY_PROVIDER`: "sandbox" (default) or a dotted path to an `EligibilityProvider`.
"""

from django.conf import settings
from django.utils.module_loading import import_string

from .base import EligibilityProvider

ALIASES = {"sandbox": "domain.library.eligibility.sandbox.SandboxEligibilityProvider"}


def get_eligibility_provider() -> EligibilityProvider:
    name = getattr(settings, "ELIGIBILITY_PROVIDER", "sandbox")
    return import_string(ALIASES.get(name, name))()
