"""Account services without HTTP: temporary passwords, token revocation, ID release."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from api.authentication import SiteRefreshToken
from domain.members.account import (
    member_notify,
    member_temporary_password_valid,
    member_withdraw,
    members_release_usernames,
)
from domain.members.models import Member
from domain.members.passwords import password_check
from domain.members.recovery import temporary_password_generate
from domain.members.tokens import member_refresh_tokens_revoke
from domain.messaging.models import OutboxMessage
from domain.sites.policy import SitePolicy
from tests.conftest import SITE_SLUGS
from tests.factories.members import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("slug", SITE_SLUGS)
def test_temporary_passwords_satisfy_the_site_rule(site_of, slug):
    site = site_of(slug)
    rule = site.rules.password
    for _ in range(50):
        password = temporary_password_generate(rule=rule)
        assert rule.violation(password) is None
        assert len(password) == min(max(12, rule.min_length), rule.max_length)
        password_check(site=site, password=password, username="someone")
        assert rule.classes_of(password) >= {"digit", "special"}
        assert any(c.isupper() for c in password) and any(c.islower() for c in password)
    assert len({temporary_password_generate(rule=rule) for _ in range(20)}) == 20


def test_temporary_password_of_a_rule_without_specials(site_of):
    policy = site_of("onnuri-biz").policy
    data = {
        **policy,
        "password": {
            **policy["password"],
            "allowed_specials": "",
            "alternatives": [{"min_length": 10, "min_classes": 3}],
        },
    }
    rule = SitePolicy.parse(data).password
    password = temporary_password_generate(rule=rule)
    assert password.isalnum() and rule.violation(password) is None


def test_temporary_password_validity():
    now = timezone.now()
    member = Member(temporary_password_expires_at=None)
    assert member_temporary_password_valid(member, now)
    member.temporary_password_expires_at = now + timedelta(seconds=1)
    assert member_temporary_password_valid(member, now)
    member.temporary_password_expires_at = now
    assert not member_temporary_password_valid(member, now)


def test_refresh_tokens_revoke_counts_only_live_unrevoked_tokens(member_factory):
    member = member_factory()
    other = member_factory()
    tokens = [SiteRefreshToken.for_member(member) for _ in range(3)]
    SiteRefreshToken.for_member(other)
    tokens[0].blacklist()
    OutstandingToken.objects.filter(jti=tokens[1]["jti"]).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert member_refresh_tokens_revoke(member=member) == 1
    assert member_refresh_tokens_revoke(member=member) == 0
    assert BlacklistedToken.objects.filter(token__user=other).count() == 0


def test_notify_falls_back_to_the_other_channel_and_gives_up_without_addresses(member_factory):
    member = member_factory(mobile="", email="a@example.com")
    assert member_notify(member=member, title="t", body="본문", purpose="p") == "email"
    member.email = ""
    assert member_notify(member=member, title="t", body="본문", purpose="p") is None
    assert OutboxMessage.objects.count() == 1


def test_release_frees_only_ids_past_retention(member_factory):
    now = timezone.now()
    due = member_factory(username="olduser1")
    later = member_factory(username="newuser1")
    member_withdraw(member=due, password=DEFAULT_PASSWORD)
    member_withdraw(member=later, password=DEFAULT_PASSWORD)
    Member.objects.filter(pk=due.pk).update(username_released_at=now - timedelta(days=1))
    assert members_release_usernames(now=now) == 1
    assert members_release_usernames(now=now) == 0
    assert Member.objects.get(pk=due.pk).username == f"~withdrawn-{due.pk}"
    assert Member.objects.get(pk=later.pk).username == "newuser1"
    # The freed ID can be registered again.
    assert member_factory(username="olduser1").pk != due.pk
