"""A locked account, an unknown ID and a wrong password cost the same work (SPEC §14 "the same
answer"): one Argon2 computation each, counted at the hasher."""

import pytest

from domain.members.models import Member
from tests.conftest import error_codes

pytestmark = pytest.mark.django_db

WRONG = "Wrong!pass1"
RIGHT = "Sunny!Day42"


def test_unknown_id_locked_account_and_wrong_password_cost_one_hash_each(
    login, member_factory, password_hashing
):
    member_factory(username="lockedone", locked=True)
    member_factory(username="wrongpass")
    answers, costs = [], []
    for username, password in (
        ("nobodyhere", WRONG),
        ("lockedone", RIGHT),
        ("lockedone", WRONG),
        ("wrongpass", WRONG),
    ):
        password_hashing.clear()
        response = login("yongin-library", username, password)
        answers.append((response.status_code, response.json()))
        costs.append(len(password_hashing))
    assert costs == [1, 1, 1, 1]
    assert len(set(map(str, answers))) == 1
    assert error_codes(login("yongin-library", "nobodyhere", WRONG)) == ["invalid_credentials"]


def test_admin_login_paths_cost_one_hash_each(client, password_hashing):
    from datetime import timedelta

    from django.utils import timezone

    Member.objects.create_superuser("platform", RIGHT)
    Member.objects.create_superuser(
        "platlocked", RIGHT, locked_until=timezone.now() + timedelta(minutes=30)
    )
    costs = []
    for username, password in (("nobody", WRONG), ("platlocked", RIGHT), ("platform", WRONG)):
        password_hashing.clear()
        client.post("/admin/login/", {"username": username, "password": password})
        costs.append(len(password_hashing))
    assert costs == [1, 1, 1]
