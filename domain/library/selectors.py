"""Reads of a library member's state (SPEC §6), shared by the profile and the upgrade API."""

from domain.common.queries import CompiledRead
from domain.members.models import Member

from .models import LibraryProfile

# The member with its profile and grants, left-joined: a member never upgraded has no profile
# row (an associate). Compiled once: every `members/me/` read of a library member runs it.
_library_rows = CompiledRead(
    lambda member_id: (
        Member.objects.filter(pk=member_id)
        .order_by()
        .values_list(
            "library_profile__level",
            "library_profile__card_number",
            "library_profile__full_since",
            "loan_limit_grants__limit",
            "loan_limit_grants__reason",
            "loan_limit_grants__valid_until",
            "loan_limit_grants__active",
        )
    )
)


def library_state(member) -> dict:
    """Level, card number, the loan limit in force and the mobile card data, in one query.

    The loan limit in force is the highest active grant (the later one on a tie), else the
    default of 7.
    """
    rows = _library_rows(member.pk)
    level, card_number, full_since = rows[0][:3] if rows else (None, None, None)
    grants = [row[3:6] for row in rows if row[6]]
    limit, source, valid_until = max(
        grants,
        key=lambda g: (g[0], g[2]),
        default=(LibraryProfile.DEFAULT_LOAN_LIMIT, "default", None),
    )
    card = None
    if card_number:
        card = {
            "name": member.name,
            "card_number": card_number,
            "barcode": card_number,
            "issued_at": full_since,
        }
    return {
        "member_id": member.pk,
        "level": level or LibraryProfile.Level.ASSOCIATE,
        "card_number": card_number,
        "loan_limit": limit,
        "loan_limit_source": source,
        "loan_limit_valid_until": valid_until,
        "mobile_card": card,
    }
