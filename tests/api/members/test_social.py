"""SNS link, unlink and login (SPEC §5 "SNS link", §11; manual 003 카카오/네이버 계정연동)."""

import pytest

from domain.audit.models import AuditEvent
from domain.members.models import Member, SocialAccount
from tests.conftest import error_codes

from . import ANIMAL, SITE, YONGIN, bearer, headers_for

pytestmark = pytest.mark.django_db

ACCOUNTS = SITE.format(YONGIN) + "members/me/social-accounts/"
REDIRECT = "https://yongin-library.example.test/sns/callback"


def link(api, headers, provider="kakao", code="ok-1001", site=YONGIN):
    return api.post(
        SITE.format(site) + "members/me/social-accounts/",
        {"provider": provider, "code": code, "redirect_uri": REDIRECT},
        format="json",
        **headers,
    )


def social_login(api, provider="kakao", code="ok-1001", site=YONGIN):
    return api.post(
        SITE.format(site) + f"auth/social/{provider}/",
        {"code": code, "redirect_uri": REDIRECT, "state": "xyz"},
        format="json",
    )


@pytest.fixture
def yongin_member(member_factory, site_of):
    return member_factory(site=site_of(YONGIN))


def test_link_list_unlink_and_relink(api, yongin_member):
    headers = headers_for(api, yongin_member)
    linked = link(api, headers)
    assert linked.status_code == 201, linked.json()
    assert linked.json()["provider"] == "kakao"
    assert linked.json()["linked_at"]

    listed = api.get(ACCOUNTS, **headers)
    assert listed.status_code == 200
    assert [a["provider"] for a in listed.json()] == ["kakao"]
    account = SocialAccount.objects.get(member=yongin_member)
    assert account.uid == "1001"

    assert link(api, headers, "naver", "ok-n-77").status_code == 201
    assert [a["provider"] for a in api.get(ACCOUNTS, **headers).json()] == ["kakao", "naver"]

    unlinked = api.delete(ACCOUNTS + "kakao/", **headers)
    assert unlinked.status_code == 204
    assert [a["provider"] for a in api.get(ACCOUNTS, **headers).json()] == ["naver"]
    again = api.delete(ACCOUNTS + "kakao/", **headers)
    assert again.status_code == 404
    assert error_codes(again) == ["social_account_not_found"]

    assert link(api, headers).status_code == 201
    types = list(
        AuditEvent.objects.filter(member=yongin_member, type__startswith="social")
        .order_by("id")
        .values_list("type", flat=True)
    )
    assert types == ["social_linked", "social_linked", "social_unlinked", "social_linked"]


def test_a_second_account_of_the_same_provider_is_refused(api, yongin_member):
    headers = headers_for(api, yongin_member)
    assert link(api, headers).status_code == 201
    for code in ("ok-1001", "ok-2002"):
        response = link(api, headers, code=code)
        assert response.status_code == 409
        assert error_codes(response) == ["social_already_linked"]


def test_an_account_linked_to_another_member_is_in_use(api, member_factory, site_of, yongin_member):
    assert link(api, headers_for(api, yongin_member)).status_code == 201
    other = member_factory(site=site_of(YONGIN))
    response = link(api, headers_for(api, other))
    assert response.status_code == 409
    assert error_codes(response) == ["social_account_in_use"]
    assert not SocialAccount.objects.filter(member=other).exists()


def test_login_with_a_linked_account_gives_usable_tokens(api, yongin_member):
    assert link(api, headers_for(api, yongin_member)).status_code == 201
    response = social_login(api)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert set(body) >= {"access", "refresh"}
    me = api.get(SITE.format(YONGIN) + "members/me/", **bearer(body["access"]))
    assert me.status_code == 200
    assert me.json()["username"] == yongin_member.username
    event = AuditEvent.objects.filter(
        member=yongin_member, type=AuditEvent.Type.LOGIN_SUCCEEDED
    ).first()
    assert event.parameters == {"method": "kakao"}


def test_login_with_an_unlinked_account_is_401(api, yongin_member):
    response = social_login(api, code="ok-nobody")
    assert response.status_code == 401
    assert error_codes(response) == ["social_account_not_linked"]


def test_login_of_an_inactive_member_is_401(api, yongin_member):
    assert link(api, headers_for(api, yongin_member)).status_code == 201
    Member.objects.filter(pk=yongin_member.pk).update(status=Member.Status.SUSPENDED)
    response = social_login(api)
    assert response.status_code == 401
    assert error_codes(response) == ["account_inactive"]


def test_a_code_the_provider_refuses_is_400(api, yongin_member):
    response = link(api, headers_for(api, yongin_member), code="bad-code")
    assert response.status_code == 400
    assert error_codes(response) == ["social_login_failed"]
    assert error_codes(social_login(api, code="bad-code")) == ["social_login_failed"]


@pytest.mark.parametrize(
    "site,provider", [(ANIMAL, "kakao"), (YONGIN, "google"), (YONGIN, "facebook")]
)
def test_unknown_provider_or_site_without_sns_is_404(api, member_factory, site_of, site, provider):
    headers = headers_for(api, member_factory(site=site_of(site)))
    for response in (
        link(api, headers, provider=provider, site=site),
        social_login(api, provider=provider, site=site),
        api.delete(SITE.format(site) + f"members/me/social-accounts/{provider}/", **headers),
    ):
        assert response.status_code == 404
        assert error_codes(response) == ["unknown_social_provider"]


def test_the_list_is_404_on_a_site_without_sns(api, member_factory, site_of):
    headers = headers_for(api, member_factory(site=site_of(ANIMAL)))
    response = api.get(SITE.format(ANIMAL) + "members/me/social-accounts/", **headers)
    assert response.status_code == 404


def test_linking_needs_a_login(api):
    response = api.post(
        ACCOUNTS, {"provider": "kakao", "code": "ok-1", "redirect_uri": REDIRECT}, format="json"
    )
    assert response.status_code == 401
