"""What an authenticated read costs: `GET members/me/` in at most 3 queries,
the Site row loaded once, the consent check answered from its cache and invalidated at once."""

from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from domain.consents.models import ConsentDocument
from domain.library.models import EligibilityCheck, LibraryProfile, LoanLimitGrant
from tests.conftest import bearer_for, error_codes, sms_code_from_outbox
from tests.factories.corporates import corporate_with_master

pytestmark = pytest.mark.django_db

MAX_QUERIES = 3


def me_url(site: str) -> str:
    return f"/api/v1/sites/{site}/members/me/"


def grant_for(member, *, limit: int, days: int, reason: str = "multi_child_self"):
    check = EligibilityCheck.objects.create(member=member, purpose="multi_child", outcome="passed")
    return LoanLimitGrant.objects.create(
        member=member,
        limit=limit,
        valid_until=date.today() + timedelta(days=days),
        reason=reason,
        eligibility_check=check,
    )


def get_me(api, member):
    url, headers = me_url(member.site.slug), bearer_for(member)
    with CaptureQueriesContext(connection) as captured:
        response = api.get(url, **headers)
    assert response.status_code == 200, response.json()
    return response, [query["sql"] for query in captured.captured_queries]


def touching(queries: list[str], table: str) -> list[str]:
    return [sql for sql in queries if f'"{table}"' in sql]


def site_loads(queries: list[str]) -> list[str]:
    """Queries that read a Site row (its policy), alone or joined."""
    return [sql for sql in queries if '"sites_site"."policy"' in sql]


@pytest.mark.parametrize(
    "slug", ["incheon-water", "animal-protection", "yongin-library", "onnuri-biz"]
)
def test_me_takes_at_most_three_queries_on_each_site(api, member_factory, site_of, slug):
    member = member_factory(site=site_of(slug))
    response, queries = get_me(api, member)
    assert len(queries) <= MAX_QUERIES, queries
    assert len(site_loads(queries)) <= 1, queries
    assert response.json()["site"] == slug


def test_me_of_a_library_member_with_a_profile_and_a_grant(api, member_factory):
    member = member_factory()
    LibraryProfile.objects.create(
        member=member, level="full", card_number="2400000001", full_since=timezone.now()
    )
    grant_for(member, limit=10, days=300)
    grant_for(member, limit=14, days=30, reason="multi_child_child")
    response, queries = get_me(api, member)
    assert len(queries) <= MAX_QUERIES, queries
    library = response.json()["library"]
    assert (library["level"], library["card_number"]) == ("full", "2400000001")
    assert (library["loan_limit"], library["loan_limit_source"]) == (14, "multi_child_child")
    assert library["loan_limit_valid_until"] == (date.today() + timedelta(days=30)).isoformat()
    assert library["mobile_card"]["barcode"] == "2400000001"
    assert library["mobile_card"]["issued_at"].endswith("+09:00")  # Asia/Seoul, as DRF renders


def test_me_of_an_associate_without_a_profile_row(api, member_factory):
    response, queries = get_me(api, member_factory())
    assert len(queries) <= MAX_QUERIES, queries
    library = response.json()["library"]
    assert (library["level"], library["loan_limit"], library["mobile_card"]) == (
        "associate",
        7,
        None,
    )


def test_me_of_an_onnuri_master(api):
    master = corporate_with_master()
    response, queries = get_me(api, master.member)
    assert len(queries) <= MAX_QUERIES, queries
    assert response.json()["library"] is None


def test_a_repeated_me_does_not_query_consents(api, member_factory):
    member = member_factory()
    get_me(api, member)
    _, queries = get_me(api, member)
    assert touching(queries, "consents_consentdocument") == [], queries
    assert len(queries) <= 2, queries


def test_login_loads_the_site_once(login, member_factory):
    member_factory(username="oncesite")
    with CaptureQueriesContext(connection) as captured:
        response = login("yongin-library", "oncesite")
    assert response.status_code == 200, response.json()
    queries = [query["sql"] for query in captured.captured_queries]
    assert len(site_loads(queries)) <= 1, queries


def test_each_step_of_the_onnuri_login_loads_the_site_once(
    api, login, django_capture_on_commit_callbacks
):
    corporate_with_master(username="master01")
    with (
        CaptureQueriesContext(connection) as captured,
        django_capture_on_commit_callbacks(execute=True),
    ):
        started = login("onnuri-biz", "master01")
    assert started.json()["otp_required"] is True
    assert len(site_loads([q["sql"] for q in captured.captured_queries])) <= 1
    with CaptureQueriesContext(connection) as captured:
        response = api.post(
            "/api/v1/sites/onnuri-biz/auth/token/otp/",
            {"verification_id": started.json()["verification_id"], "code": sms_code_from_outbox()},
            format="json",
        )
    assert response.status_code == 200, response.json()
    assert len(site_loads([q["sql"] for q in captured.captured_queries])) <= 1


# --- the cached consent check stays correct (SPEC §3 re-consent) ------------------------------


def publish_terms_v2(site, **extra) -> ConsentDocument:
    v1 = ConsentDocument.objects.get(site=site, code="terms", version=1)
    return ConsentDocument.objects.create(
        site=site,
        code="terms",
        version=2,
        title=v1.title,
        body=v1.body + "\n제4조 신설",
        required=True,
        kinds=v1.kinds,
        position=v1.position,
        **{"effective_at": timezone.now(), **extra},
    )


def agree_terms_v2(api, member):
    return api.post(
        "/api/v1/sites/yongin-library/members/me/consents/",
        {"agreements": [{"document": "terms", "version": 2, "agreed": True}]},
        format="json",
        **bearer_for(member),
    )


def test_new_required_version_blocks_a_warm_member_at_once_and_agreeing_lets_through(
    api, member_factory, site_of
):
    member = member_factory()
    other = member_factory(site=site_of("animal-protection"))
    get_me(api, member)
    get_me(api, other)  # both answers are cached now

    publish_terms_v2(site_of("yongin-library"))
    blocked = api.get(me_url("yongin-library"), **bearer_for(member))
    assert blocked.status_code == 403
    assert error_codes(blocked) == ["consent_required"]
    assert blocked.json()["errors"][0]["documents"][0]["version"] == 2
    get_me(api, other)  # another site's members are not affected

    assert agree_terms_v2(api, member).status_code == 200
    get_me(api, member)


def test_publishing_in_the_admin_blocks_at_once(api, member_factory, site_of):
    from django.test import Client

    member = member_factory()
    get_me(api, member)
    operator = member_factory(staff=True, username="operator1")
    admin = Client()
    admin.force_login(operator)
    now = timezone.localtime()
    response = admin.post(
        "/admin/consents/consentdocument/add/",
        {
            "code": "terms",
            "version": 2,
            "title": "용인시도서관 이용약관(개정)",
            "body": "개정 약관. 동의하지 않으면 회원가입을 할 수 없습니다.",
            "required": "on",
            "kinds": '["general", "child"]',
            "scope": "sign_up",
            "channel": "",
            "position": 1,
            "effective_at_0": (now - timedelta(minutes=1)).strftime("%Y-%m-%d"),
            "effective_at_1": (now - timedelta(minutes=1)).strftime("%H:%M:%S"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    blocked = api.get(me_url("yongin-library"), **bearer_for(member))
    assert error_codes(blocked) == ["consent_required"]


def test_a_version_published_for_later_blocks_when_it_takes_effect(api, member_factory, site_of):
    member = member_factory()
    later = timezone.now() + timedelta(minutes=2)  # well within the cache's own expiry
    publish_terms_v2(site_of("yongin-library"), effective_at=later)
    get_me(api, member)  # not in force yet: cached as nothing pending
    get_me(api, member)
    with time_machine.travel(later + timedelta(seconds=1)):
        blocked = api.get(me_url("yongin-library"), **bearer_for(member))
        assert error_codes(blocked) == ["consent_required"]
        assert agree_terms_v2(api, member).status_code == 200
        get_me(api, member)


def test_withdrawing_an_optional_consent_keeps_the_member_through(api, member_factory):
    member = member_factory()
    url = "/api/v1/sites/yongin-library/members/me/consents/"
    answer = {"document": "sms_marketing", "version": 1}
    for agreed in (True, False):
        response = api.post(
            url,
            {"agreements": [{**answer, "agreed": agreed}]},
            format="json",
            **bearer_for(member),
        )
        assert response.status_code == 200, response.json()
        get_me(api, member)


# --- the library block is kept across requests and changes at once --------------------------
# Its cached answer is tagged with the member's `updated_at`, which the request's
# authentication reads afresh and every library change bumps: no cache entry is ever deleted,
# so what holds here holds across server processes, each with its own cache.


def library_of(api, member) -> tuple[dict, list[str]]:
    response, queries = get_me(api, member)
    return response.json()["library"], queries


def test_a_repeated_me_of_a_library_member_reads_only_the_member(api, member_factory):
    member = member_factory()
    LibraryProfile.objects.create(
        member=member, level="full", card_number="2400000002", full_since=timezone.now()
    )
    first, _ = library_of(api, member)
    again, queries = library_of(api, member)
    assert again == first
    assert touching(queries, "library_libraryprofile") == [], queries
    assert len(queries) == 1, queries  # the member (with its site) for the authentication


def test_the_library_block_follows_each_change_at_once(api, member_factory):
    from domain.library.upgrades import grants_expire

    member = member_factory()
    assert library_of(api, member)[0]["level"] == "associate"
    profile = LibraryProfile.objects.create(member=member, level="associate")
    profile.level, profile.card_number = "full", "2400000003"
    profile.full_since = timezone.now()
    profile.save()
    assert library_of(api, member)[0]["card_number"] == "2400000003"

    grant = grant_for(member, limit=10, days=1)
    assert library_of(api, member)[0]["loan_limit"] == 10

    with time_machine.travel(timezone.now() + timedelta(days=3)):
        assert grants_expire() == 1
        assert library_of(api, member)[0]["loan_limit"] == 7

    grant.delete()
    member.name = "김바뀜"
    member.save()
    assert library_of(api, member)[0]["mobile_card"]["name"] == "김바뀜"


def test_a_grant_ended_by_a_queryset_update_shows_at_once(api, member_factory):
    """`_grant` ends the earlier grant with a queryset `update()` (no model signal)."""
    from domain.library.models import library_state_changed

    member = member_factory()
    grant_for(member, limit=10, days=30)
    assert library_of(api, member)[0]["loan_limit"] == 10
    LoanLimitGrant.objects.filter(member=member).update(active=False)
    library_state_changed(member.pk)
    assert library_of(api, member)[0]["loan_limit"] == 7
