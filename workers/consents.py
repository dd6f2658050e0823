"""Consent jobs (SPEC §9): thin entry points; the rules live in domain.consents.services."""

from domain.consents.services import marketing_consents_remind


def remind_marketing_consents() -> int:
    """Periodic (daily is enough): the 2-yearly marketing opt-in notices; returns those queued."""
    return marketing_consents_remind()
