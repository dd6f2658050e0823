"""The lockout holds when wrong passwords race, and a password changed between the hash check
and the row lock never lets the old one through (SPEC §5, §14).

The hash is verified outside the transaction, so these are the cases the row lock and the
"hash unchanged" re-check must cover.
"""

import pytest
from django.contrib.auth.hashers import make_password

from domain.audit.models import AuditEvent
from domain.common.errors import DomainError
from domain.members import authentication, lockout
from domain.members.account import member_password_change
from domain.members.authentication import member_authenticate
from domain.members.models import Member
from domain.sites.models import Site
from tests.concurrency import run_concurrently
from tests.factories.members import DEFAULT_PASSWORD, MemberFactory

NEW_PASSWORD = "Brand!New77"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_ten_parallel_wrong_passwords_lock_the_account_once():
    member = MemberFactory(site=Site.objects.get(slug="yongin-library"), username="racer01")

    def attempt(_):
        return member_authenticate(site=member.site, username="racer01", password="Wrong!pass1")

    assert run_concurrently(attempt, 10) == ["invalid_credentials"] * 10
    member.refresh_from_db()
    assert member.is_locked()
    failures = AuditEvent.objects.filter(member=member, type="login_failed")
    assert failures.filter(parameters__reason="wrong_password").count() == 5
    assert failures.filter(parameters__reason="locked").count() == 5
    assert AuditEvent.objects.filter(member=member, type="account_locked").count() == 1


def changed_after_check(monkeypatch, module, member):
    """Make `module.password_verify` commit a password change right after it checks, the way
    a concurrent change would land between the check and the lock (once)."""
    original = module.password_verify
    done = []

    def verify_then_change(**kwargs):
        check = original(**kwargs)
        if not done:
            done.append(True)
            Member.objects.filter(pk=member.pk).update(password=make_password(NEW_PASSWORD))
        return check

    monkeypatch.setattr(module, "password_verify", verify_then_change)


@pytest.mark.django_db
def test_a_login_racing_a_password_change_is_checked_against_the_new_hash(monkeypatch):
    member = MemberFactory(username="racer02")
    changed_after_check(monkeypatch, authentication, member)
    with pytest.raises(DomainError) as refused:
        member_authenticate(site=member.site, username="racer02", password=DEFAULT_PASSWORD)
    assert refused.value.code == "invalid_credentials"
    member.refresh_from_db()
    assert member.failed_login_count == 1 and member.check_password(NEW_PASSWORD)


@pytest.mark.django_db
def test_a_step_up_racing_a_password_change_refuses_the_old_password(monkeypatch):
    member = MemberFactory(username="racer03")
    changed_after_check(monkeypatch, lockout, member)
    with pytest.raises(DomainError) as refused:
        member_password_change(
            member=member,
            current_password=DEFAULT_PASSWORD,
            new_password="Other!Pass99",
            new_password_confirm="Other!Pass99",
        )
    assert refused.value.code == "invalid_password"
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)


@pytest.mark.django_db
def test_a_password_change_committed_after_the_step_up_is_not_overwritten(monkeypatch):
    from domain.members import account

    member = MemberFactory(username="racer04")
    original = account.member_password_confirm

    def confirm_then_change(**kwargs):
        check = original(**kwargs)
        Member.objects.filter(pk=member.pk).update(password=make_password(NEW_PASSWORD))
        return check

    monkeypatch.setattr(account, "member_password_confirm", confirm_then_change)
    with pytest.raises(DomainError) as refused:
        member_password_change(
            member=member,
            current_password=DEFAULT_PASSWORD,
            new_password="Other!Pass99",
            new_password_confirm="Other!Pass99",
        )
    assert refused.value.code == "invalid_password"
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)
