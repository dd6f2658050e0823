"""Account recovery: find ID (아이디찾기), reset password (비밀번호찾기) (SPEC §5; manual 000 §3-4).

Both start from an identity verification; the member is found by the keyed CI hash of the
verified person, never by name or phone. A verification without a CI (e.g. an SMS code) matches
nobody.
"""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from domain.audit.models import AuditEvent
from domain.audit.services import RequestContext, audit_record
from domain.common.errors import DomainError, NotFound
from domain.common.hashing import constant_time_equals
from domain.consents.selectors import member_kind_check
from domain.sites.models import Site
from domain.sites.policy import PasswordRule
from domain.verifications.models import Verification
from domain.verifications.services import verification_consume

from . import messages
from .account import member_notify
from .errors import MemberErrorCode
from .models import Member
from .tokens import member_refresh_tokens_revoke

TEMPORARY_PASSWORD_LIFETIME = timedelta(hours=24)
TEMPORARY_PASSWORD_MIN_LENGTH = 12
# Characters that read alike (O/0, l/1/I) are left out: the password is typed from a message.
UPPER = "".join(c for c in string.ascii_uppercase if c not in "IO")
LOWER = "".join(c for c in string.ascii_lowercase if c not in "lo")
DIGITS = "23456789"
DEFAULT_SPECIAL = "!"


class Channel:
    EMAIL = "email"
    SMS = "sms"
    CHOICES = (EMAIL, SMS)


def identity_methods(site: Site, kind: str, purpose: str) -> set[str]:
    """The identity-bearing methods (last step of each sequence) the site lists for kind+purpose."""
    sequences = site.rules.verification.get(kind, {}).get(purpose, [])
    return {sequence[-1] for sequence in sequences}


def _same_person(member: Member, verification: Verification) -> bool:
    return bool(verification.ci_hash) and constant_time_equals(member.ci_hash, verification.ci_hash)


def member_find_id(*, site: Site, kind: str, verification_token: str) -> Member:
    """아이디찾기: the non-withdrawn member of `kind` whose CI is the verified person's (SPEC §5).

    The token (purpose find_id) is consumed even when nobody matches: the 404
    `member_not_found` is raised after the consumption commits, so a token cannot be replayed
    against other kinds.
    """
    member_kind_check(site=site, kind=kind)
    with transaction.atomic():
        person = verification_consume(
            site=site,
            token=verification_token,
            purpose=Verification.Purpose.FIND_ID,
            methods=identity_methods(site, kind, Verification.Purpose.FIND_ID),
        )
        member = None
        if person.ci_hash:
            member = (
                Member.objects.filter(site=site, kind=kind, ci_hash=person.ci_hash)
                .exclude(status=Member.Status.WITHDRAWN)
                .order_by("id")
                .first()
            )
    if member is None:
        raise NotFound(
            MemberErrorCode.MEMBER_NOT_FOUND,
            _("No member of this type is registered with the verified identity."),
        )
    return member


def temporary_password_generate(*, rule: PasswordRule) -> str:
    """A random password the site's rule accepts: upper, lower, digit and an allowed special.

    Length max(12, the rule's minimum), capped at the rule's maximum (SPEC §2, §5).
    """
    length = min(max(TEMPORARY_PASSWORD_MIN_LENGTH, rule.min_length), rule.max_length)
    if rule.allowed_specials is None:
        specials = DEFAULT_SPECIAL
    else:
        specials = "".join(c for c in rule.allowed_specials if c.isascii() and c.isprintable())
    pools = [UPPER, LOWER, DIGITS] + ([specials] if specials else [])
    alphabet = "".join(pools)
    while True:
        chars = [secrets.choice(pool) for pool in pools]
        chars += [secrets.choice(alphabet) for _ in range(length - len(chars))]
        secrets.SystemRandom().shuffle(chars)
        password = "".join(chars)
        if rule.violation(password) is None:
            return password


@dataclass(frozen=True)
class TemporaryPassword:
    text: str  # sent once, never stored
    hash: str


def temporary_password_new(*, site: Site) -> TemporaryPassword:
    """A temporary password for `site` and its hash. Call it before the transaction (hashing
    holds SQLite's write lock otherwise), and whatever happens next: the same work for every
    answer (SPEC §14 enumeration)."""
    text = temporary_password_generate(rule=site.rules.password)
    return TemporaryPassword(text=text, hash=make_password(text))


def member_temporary_password_give(
    *,
    member: Member,
    password: TemporaryPassword,
    prefer: str,
    actor: Member,
    context: RequestContext | None,
    **audit_parameters,
) -> str | None:
    """The one temporary password reset, for a member who asked (비밀번호찾기) and for a general
    admin whose master reset it (manual 004 §4.1). Call it in a transaction, `member` locked.

    The password goes out by `prefer` (the other channel if that one has no address); then it
    replaces the member's password, valid 24 hours, to be changed at the next login; any lock
    is lifted, the refresh tokens are revoked and the reset is audited (SPEC §5, §14). Returns
    the channel it went by, or None — nothing changed — when neither reaches the member.
    """
    text = messages.TEMPORARY_PASSWORD.render(site=member.site.name, password=password.text)
    sent_by = member_notify(
        member=member,
        title=text.title,
        body=text.body,
        purpose="password_reset",
        prefer=prefer,
        sensitive=True,
    )
    if sent_by is None:
        return None
    member.password = password.hash
    member.password_change_required = True
    member.temporary_password_expires_at = timezone.now() + TEMPORARY_PASSWORD_LIFETIME
    member.failed_login_count = 0
    member.locked_until = None
    member.save(
        update_fields=[
            "password",
            "password_change_required",
            "temporary_password_expires_at",
            "failed_login_count",
            "locked_until",
        ]
    )
    revoked = member_refresh_tokens_revoke(member=member)
    audit_record(
        type=AuditEvent.Type.PASSWORD_RESET,
        site=member.site,
        member=member,
        actor=actor,
        context=context,
        channel=sent_by,
        refresh_tokens_revoked=revoked,
        **audit_parameters,
    )
    return sent_by


def member_password_reset(
    *,
    site: Site,
    username: str,
    kind: str,
    channel: str,
    verification_token: str,
    context: RequestContext | None = None,
) -> bool:
    """비밀번호찾기: send a temporary password to the verified owner of an ID (SPEC §5, §14).

    The token (purpose reset_password) is consumed first; a bad token is an error whatever the
    ID. Then, only if a non-withdrawn member of this site, ID and kind exists and is the verified
    person (same CI hash): a temporary password satisfying the site's rule replaces the
    password, valid 24 hours, with a forced change at login; the refresh tokens are revoked; the
    password goes out by `channel` (the other channel if that one has no address); the reset is
    audited and any lock is lifted. Returns whether a password was sent; callers must answer the
    same either way (enumeration, SPEC §14).
    """
    member_kind_check(site=site, kind=kind)
    if channel not in Channel.CHOICES:
        raise DomainError(
            MemberErrorCode.INVALID_CHANNEL, _("Choose email or SMS."), attr="channel"
        )
    folded = site.rules.username.fold(username)
    password = temporary_password_new(site=site)  # whether or not it is used
    with transaction.atomic():
        person = verification_consume(
            site=site,
            token=verification_token,
            purpose=Verification.Purpose.RESET_PASSWORD,
            methods=identity_methods(site, kind, Verification.Purpose.RESET_PASSWORD),
        )
        member = (
            Member.objects.select_for_update()
            .filter(site=site, username=folded, kind=kind)
            .exclude(status=Member.Status.WITHDRAWN)
            .first()
        )
        if member is None or not _same_person(member, person):
            return False
        sent_by = member_temporary_password_give(
            member=member, password=password, prefer=channel, actor=member, context=context
        )
    # None: no address on either channel, nothing can reach the member
    return sent_by is not None
