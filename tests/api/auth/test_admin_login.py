"""Django admin log-in: the lockout and the per-IP throttle of the API login (SPEC §14).
Site operators sign in as `<site>/<id>`; the platform superuser with the bare ID."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from domain.audit.models import AuditEvent
from domain.members.models import Member

pytestmark = pytest.mark.django_db

ADMIN_LOGIN = "/admin/login/?next=/admin/"
PASSWORD = "Platform!pass42"


@pytest.fixture
def superuser():
    return Member.objects.create_superuser("platform", PASSWORD)


def admin_login(client, username, password):
    return client.post(ADMIN_LOGIN, {"username": username, "password": password})


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_twelve_wrong_passwords_lock_the_superuser(client, superuser):
    for _ in range(12):
        assert admin_login(client, "platform", "Wrong!pass1").status_code == 200
    right = admin_login(client, "platform", PASSWORD)
    assert right.status_code == 200  # the form again, with the same error as a wrong password
    assert not logged_in(client)
    superuser.refresh_from_db()
    assert superuser.is_locked()
    assert AuditEvent.objects.filter(member=superuser, type="account_locked").count() == 1
    assert AuditEvent.objects.filter(member=superuser, type="login_failed").count() == 13
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        assert admin_login(client, "platform", PASSWORD).status_code == 302
        assert logged_in(client)


def test_superuser_login_is_audited(client, superuser):
    assert admin_login(client, "platform", PASSWORD).status_code == 302
    assert AuditEvent.objects.filter(member=superuser, type="login_succeeded").count() == 1


def test_site_operator_is_locked_through_the_admin_too(client, member_factory):
    operator = member_factory(username="operator1", staff=True)
    for _ in range(5):
        admin_login(client, "yongin-library/operator1", "Wrong!pass1")
    admin_login(client, "yongin-library/operator1", "Sunny!Day42")
    assert not logged_in(client)
    operator.refresh_from_db()
    assert operator.is_locked()


def test_admin_login_attempts_share_the_api_login_throttle(client, login):
    codes = [admin_login(client, "nobody", "Wrong!pass1").status_code for _ in range(31)]
    assert codes == [200] * 30 + [429]
    assert "Retry-After" in admin_login(client, "nobody", "Wrong!pass1").headers
    assert login("yongin-library", "nobody", "Wrong!pass1").status_code == 429


def test_showing_the_admin_login_form_is_not_an_attempt(client):
    for _ in range(35):
        assert client.get(ADMIN_LOGIN).status_code == 200
    assert admin_login(client, "nobody", "Wrong!pass1").status_code == 200


def test_browsable_api_login_is_throttled_too(client):
    codes = [
        client.post("/api-auth/login/", {"username": "nobody", "password": "x"}).status_code
        for _ in range(31)
    ]
    assert codes[-1] == 429 and set(codes[:30]) == {200}
