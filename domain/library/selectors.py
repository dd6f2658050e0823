"""Reads of a library member's state (SPEC §6), shared by the profile and the upgrade API."""

from .upgrades import library_profile_of, loan_limit_of


def library_state(member) -> dict:
    """Level, card number, the loan limit in force and the mobile card data."""
    profile = library_profile_of(member)
    limit = loan_limit_of(member)
    card = None
    if profile.card_number:
        card = {
            "name": member.name,
            "card_number": profile.card_number,
            "barcode": profile.card_number,
            "issued_at": profile.full_since,
        }
    return {
        "member_id": member.pk,
        "level": profile.level,
        "card_number": profile.card_number,
        "loan_limit": limit.limit,
        "loan_limit_source": limit.source,
        "loan_limit_valid_until": limit.valid_until,
        "mobile_card": card,
    }
