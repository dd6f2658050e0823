"""Member jobs: thin entry points; the rules live in domain.members."""

from domain.members.account import members_release_usernames


def release_withdrawn_usernames() -> int:
    """Periodic: free the IDs of withdrawn members past the site's retention (SPEC §5)."""
    return members_release_usernames()
