"""Refresh-token revocation (SPEC §14 "tokens").

simplejwt records every refresh token it issues (and every rotated one) as an OutstandingToken;
blacklisting those rows makes `auth/token/refresh/` refuse them. Access tokens are not tracked:
they simply run out (15 minutes).
"""

from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from .models import Member


def member_refresh_tokens_revoke(*, member: Member) -> int:
    """Blacklist every outstanding, unexpired refresh token of `member`; return how many.

    SPEC §14: logout, password change, password reset and withdrawal revoke the member's refresh
    tokens. Safe to call twice (already blacklisted tokens are skipped).
    """
    token_ids = list(
        OutstandingToken.objects.filter(
            user=member, expires_at__gt=timezone.now(), blacklistedtoken__isnull=True
        ).values_list("pk", flat=True)
    )
    BlacklistedToken.objects.bulk_create(
        [BlacklistedToken(token_id=pk) for pk in token_ids], ignore_conflicts=True
    )
    return len(token_ids)
