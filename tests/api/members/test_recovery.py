"""Find ID and reset password (SPEC §5, §14; manual 000 §3-4)."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from domain.audit.models import AuditEvent
from domain.members.models import Member
from domain.messaging.backends import locmem
from tests.conftest import error_codes, identity

from . import SITE, bearer, person_member, temporary_password_from

pytestmark = pytest.mark.django_db

YONGIN = "yongin-library"
OTHER_PERSON = identity(name="김철수", birth_date="1985-05-05", phone="01099998888")


@pytest.fixture(autouse=True)
def _empty_outboxes():
    locmem.outbox.clear()
    mail.outbox.clear()
    yield
    locmem.outbox.clear()


def find_id(api, token, kind="general", site=YONGIN):
    return api.post(
        f"{SITE.format(site)}members/find-id/",
        {"kind": kind, "verification_token": token},
        format="json",
    )


def reset(api, token, username, *, kind="general", channel="sms", site=YONGIN):
    return api.post(
        f"{SITE.format(site)}members/reset-password/",
        {"username": username, "kind": kind, "channel": channel, "verification_token": token},
        format="json",
    )


# --- find ID ------------------------------------------------------------------------------


def test_find_id_answers_the_full_id_and_name(api, verify, member_factory):
    person_member(member_factory, username="findme01")
    response = find_id(api, verify(YONGIN, "find_id", identity()))
    assert response.status_code == 200, response.json()
    assert response.json() == {"username": "findme01", "name": "홍길동"}


def test_find_id_of_nobody_is_404_and_the_token_is_used_up(api, verify, member_factory):
    person_member(member_factory, username="findme02")
    token = verify(YONGIN, "find_id", OTHER_PERSON)
    response = find_id(api, token)
    assert response.status_code == 404
    assert error_codes(response) == ["member_not_found"]
    again = find_id(api, token)
    assert again.status_code == 400
    assert error_codes(again) == ["verification_token_used"]


def test_find_id_ignores_withdrawn_members_and_other_kinds(api, verify, member_factory):
    person_member(member_factory, username="gone0001", status=Member.Status.WITHDRAWN)
    assert find_id(api, verify(YONGIN, "find_id", identity())).status_code == 404
    person_member(member_factory, username="adult001")
    assert find_id(api, verify(YONGIN, "find_id", identity()), kind="child").status_code == 404


def test_find_id_unknown_kind(api, verify):
    response = find_id(api, verify(YONGIN, "find_id", identity()), kind="alien")
    assert response.status_code == 400
    assert error_codes(response) == ["unknown_member_kind"]


def test_find_id_refuses_a_token_of_another_purpose(api, verify):
    response = find_id(api, verify(YONGIN, "reset_password", identity()))
    assert response.status_code == 400
    assert error_codes(response) == ["verification_token_wrong_purpose"]


# --- reset password -----------------------------------------------------------------------


def test_reset_answers_byte_identically_for_known_unknown_and_mismatched_ids(
    api, verify, member_factory, django_capture_on_commit_callbacks
):
    member = person_member(member_factory, username="known001")
    person_member(
        member_factory,
        username="known002",
        name="김철수",
        birth_date="1985-05-05",
        phone="01099998888",
    )
    old_hash = Member.objects.get(pk=member.pk).password
    with django_capture_on_commit_callbacks(execute=True):
        known = reset(api, verify(YONGIN, "reset_password", identity()), "known001")
        unknown = reset(api, verify(YONGIN, "reset_password", identity()), "nobody999")
        # known002 exists, but the verified person is known001's owner.
        mismatched = reset(api, verify(YONGIN, "reset_password", identity()), "known002")
    assert known.status_code == unknown.status_code == mismatched.status_code == 202
    assert known.content == unknown.content == mismatched.content
    assert set(known.json()) == {"detail"}
    member.refresh_from_db()
    assert member.password != old_hash
    assert member.password_change_required is True
    assert Member.objects.get(username="known002").password_change_required is False
    assert len(locmem.outbox) == 1 and locmem.outbox[0].to == member.mobile
    assert AuditEvent.objects.filter(type="password_reset").count() == 1


def test_reset_sends_the_temporary_password_by_email(
    api, verify, member_factory, django_capture_on_commit_callbacks
):
    member = person_member(member_factory, username="mailme01")
    with django_capture_on_commit_callbacks(execute=True):
        response = reset(
            api, verify(YONGIN, "reset_password", identity()), "mailme01", channel="email"
        )
    assert response.status_code == 202
    assert locmem.outbox == []
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [member.email]
    member.refresh_from_db()
    password = temporary_password_from(mail.outbox[0].body)
    assert member.check_password(password)
    assert member.site.rules.password.violation(password) is None
    assert member.temporary_password_expires_at == pytest.approx(
        timezone.now() + timedelta(hours=24), abs=timedelta(minutes=1)
    )


def test_reset_falls_back_to_sms_when_the_member_has_no_email(
    api, verify, member_factory, django_capture_on_commit_callbacks
):
    member = person_member(member_factory, username="nomail01", email="")
    with django_capture_on_commit_callbacks(execute=True):
        reset(api, verify(YONGIN, "reset_password", identity()), "nomail01", channel="email")
    assert mail.outbox == []
    assert [m.to for m in locmem.outbox] == [member.mobile]
    member.refresh_from_db()
    assert member.check_password(temporary_password_from(locmem.outbox[0].body))


def test_reset_ignores_case_where_the_site_does(
    api, verify, member_factory, site_of, django_capture_on_commit_callbacks
):
    member = person_member(
        member_factory, site=site_of("incheon-water"), username="Hong1234", kind="individual"
    )
    assert member.username == "hong1234"
    with django_capture_on_commit_callbacks(execute=True):
        response = reset(
            api,
            verify("incheon-water", "reset_password", identity()),
            "HONG1234",
            kind="individual",
            site="incheon-water",
        )
    assert response.status_code == 202
    member.refresh_from_db()
    password = temporary_password_from(locmem.outbox[0].body)
    assert member.check_password(password)
    assert member.site.rules.password.violation(password) is None  # 10–14, ~!@#%&*' only


def test_reset_with_a_bad_token_is_an_error_for_any_id(api, verify, member_factory):
    person_member(member_factory, username="badtok01")
    answers = [reset(api, "not-a-token", name) for name in ("badtok01", "nobody999")]
    assert [a.status_code for a in answers] == [400, 400]
    assert answers[0].content == answers[1].content
    assert error_codes(answers[0]) == ["verification_token_invalid"]
    token = verify(YONGIN, "reset_password", identity())
    assert reset(api, token, "badtok01").status_code == 202
    reused = reset(api, token, "badtok01")
    assert error_codes(reused) == ["verification_token_used"]


def test_reset_unknown_kind(api, verify):
    response = reset(api, verify(YONGIN, "reset_password", identity()), "someone1", kind="x")
    assert error_codes(response) == ["unknown_member_kind"]


def test_reset_revokes_refresh_tokens(api, login, verify, member_factory):
    person_member(member_factory, username="revoke01")
    refresh = login(YONGIN, "revoke01").json()["refresh"]
    reset(api, verify(YONGIN, "reset_password", identity()), "revoke01")
    response = api.post(f"{SITE.format(YONGIN)}auth/token/refresh/", {"refresh": refresh})
    assert response.status_code == 401


def test_reset_is_throttled_per_id(api, verify, member_factory):
    person_member(member_factory, username="throttle1")
    tokens = [verify(YONGIN, "reset_password", identity()) for _ in range(7)]
    codes = [reset(api, tokens[i], "throttle1").status_code for i in range(5)]
    codes.append(reset(api, tokens[5], "throttle1").status_code)
    assert codes == [202] * 5 + [429]
    assert error_codes(reset(api, tokens[5], "throttle1")) == ["throttled"]
    # Another ID from the same address is still served (20/min per IP).
    assert reset(api, tokens[6], "someoneelse").status_code == 202


# --- the temporary password at login ------------------------------------------------------


def _reset_and_read_password(api, verify, username, capture) -> str:
    with capture(execute=True):
        response = reset(api, verify(YONGIN, "reset_password", identity()), username)
    assert response.status_code == 202
    return temporary_password_from(locmem.outbox[-1].body)


def test_temporary_password_forces_a_change_before_anything_else(
    api, login, verify, member_factory, django_capture_on_commit_callbacks
):
    person_member(member_factory, username="forced01")
    temporary = _reset_and_read_password(
        api, verify, "forced01", django_capture_on_commit_callbacks
    )
    assert login(YONGIN, "forced01").status_code == 401  # the old password is gone
    answer = login(YONGIN, "forced01", temporary)
    assert answer.status_code == 200, answer.json()
    assert answer.json()["password_change_required"] is True
    auth = bearer(answer.json()["access"])
    me = api.get(f"{SITE.format(YONGIN)}members/me/", **auth)
    assert me.status_code == 403
    assert error_codes(me) == ["password_change_required"]
    assert (
        api.patch(
            f"{SITE.format(YONGIN)}members/me/", {"email": "x@example.com"}, format="json", **auth
        ).status_code
        == 403
    )
    changed = api.post(
        f"{SITE.format(YONGIN)}members/me/password/",
        {
            "current_password": temporary,
            "new_password": "Brand!New77",
            "new_password_confirm": "Brand!New77",
        },
        format="json",
        **auth,
    )
    assert changed.status_code == 204, changed.content
    assert api.get(f"{SITE.format(YONGIN)}members/me/", **auth).status_code == 200
    member = Member.objects.get(username="forced01")
    assert member.password_change_required is False
    assert member.temporary_password_expires_at is None
    after = login(YONGIN, "forced01", "Brand!New77")
    assert after.status_code == 200
    assert after.json().get("password_change_required", False) is False


def test_temporary_password_expires_after_24_hours(
    api, login, verify, member_factory, django_capture_on_commit_callbacks
):
    person_member(member_factory, username="expire01")
    temporary = _reset_and_read_password(
        api, verify, "expire01", django_capture_on_commit_callbacks
    )
    with time_machine.travel(timezone.now() + timedelta(hours=23)):
        assert login(YONGIN, "expire01", temporary).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        refused = login(YONGIN, "expire01", temporary)
        assert refused.status_code == 401
        assert refused.json() == login(YONGIN, "expire01", "Wrong!pass1").json()
