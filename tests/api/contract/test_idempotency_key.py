"""Idempotency-Key on POSTs (SPEC §14 retries): api.idempotency.

The view of tests/api/contract/idempotency_urls.py creates one LimitBucket row per run it gets
through; the tests count those rows.
"""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from domain.common.idempotency import idempotency_records_prune
from domain.common.models import IdempotencyRecord, LimitBucket
from domain.sites.models import Site
from tests.api.contract.idempotency_urls import SCOPE
from tests.concurrency import run_concurrently
from tests.conftest import bearer_for
from tests.factories.members import MemberFactory
from workers.schedules import PERIODIC

URLCONF = "tests.api.contract.idempotency_urls"
URL = "/api/v1/sites/yongin-library/effects/"
pytestmark = pytest.mark.urls(URLCONF)


def effects() -> int:
    return LimitBucket.objects.filter(scope=SCOPE).count()


@pytest.fixture
def member(db):
    return MemberFactory(site=Site.objects.get(slug="yongin-library"), username="idemcaller")


def post(member, body, key="key-1", client=None, url=URL):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return (client or APIClient()).post(url, body, format="json", **bearer_for(member), **headers)


def test_same_key_and_body_twice_runs_once_and_replays_status_and_body(member):
    first = post(member, {"amount": 1000})
    again = post(member, {"amount": 1000})
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert effects() == 1


def test_same_body_with_keys_reordered_is_the_same_request(member):
    post(member, {"amount": 1000, "note": "a"})
    again = post(member, {"note": "a", "amount": 1000})
    assert again.status_code == 201
    assert effects() == 1


def test_same_key_with_another_body_is_a_conflict(member):
    post(member, {"amount": 1000})
    other = post(member, {"amount": 2000})
    assert other.status_code == 409
    assert other.json()["errors"][0]["code"] == "idempotency_key_reused"
    assert effects() == 1


def test_same_key_on_another_endpoint_is_a_conflict(member):
    post(member, {"amount": 1000})
    other = post(member, {"amount": 1000}, url=URL + "required/")
    assert other.status_code == 409
    assert other.json()["errors"][0]["code"] == "idempotency_key_reused"


def test_different_callers_with_the_same_key_are_independent(member):
    other = MemberFactory(site=member.site, username="idemother")
    first = post(member, {"amount": 1000})
    second = post(other, {"amount": 1000})
    assert first.status_code == second.status_code == 201
    assert "Idempotent-Replayed" not in second
    assert effects() == 2


def test_without_a_key_every_request_runs(member):
    post(member, {"amount": 1000}, key=None)
    post(member, {"amount": 1000}, key=None)
    assert effects() == 2
    assert IdempotencyRecord.objects.count() == 0


def test_a_view_that_requires_the_key_refuses_a_request_without_it(member):
    response = post(member, {"amount": 1000}, key=None, url=URL + "required/")
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "idempotency_key_required"
    assert effects() == 0


@pytest.mark.parametrize("key", ["", "x" * 256, "한글키", "tab\tkey"])
def test_a_malformed_key_is_refused(member, key):
    response = post(member, {"amount": 1000}, key=key)
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "idempotency_key_invalid"
    assert effects() == 0


def test_the_longest_valid_key_is_accepted(member):
    key = "~" * 255
    assert post(member, {"amount": 1}, key=key).status_code == 201
    assert post(member, {"amount": 1}, key=key)["Idempotent-Replayed"] == "true"


def test_a_refusal_is_stored_and_replayed(member):
    first = post(member, {"outcome": "refuse"})
    again = post(member, {"outcome": "refuse"})
    assert first.status_code == again.status_code == 400
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"


def test_the_answer_is_replayed_for_24_hours_then_the_key_is_free(member):
    post(member, {"amount": 1000})
    with time_machine.travel(timezone.now() + timedelta(hours=23, minutes=59)):
        assert post(member, {"amount": 1000})["Idempotent-Replayed"] == "true"
    assert effects() == 1
    with time_machine.travel(timezone.now() + timedelta(hours=24, seconds=1)):
        again = post(member, {"amount": 1000})
    assert again.status_code == 201
    assert "Idempotent-Replayed" not in again
    assert effects() == 2


def test_a_server_error_in_the_first_attempt_lets_a_retry_run(member):
    failed = post(member, {"outcome": "fail"})
    assert failed.status_code == 503
    assert effects() == 0  # rolled back with its record
    assert IdempotencyRecord.objects.count() == 0
    # The same key with a body that now succeeds runs (the failed attempt left nothing).
    assert post(member, {"outcome": "ok"}).status_code == 201
    assert effects() == 1


def test_an_exception_in_the_first_attempt_lets_a_retry_run(member):
    client = APIClient(raise_request_exception=False)
    crashed = post(member, {"outcome": "crash"}, client=client)
    assert crashed.status_code == 500
    assert IdempotencyRecord.objects.count() == 0
    assert effects() == 0


def test_expired_records_are_pruned_by_a_daily_job(member):
    post(member, {"amount": 1}, key="old")
    with time_machine.travel(timezone.now() + timedelta(hours=12)):
        post(member, {"amount": 1}, key="new")
    assert idempotency_records_prune(now=timezone.now() + timedelta(hours=25)) == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]
    job = next(job for job in PERIODIC if job.name == "idempotency-records-prune")
    assert job.minutes == 24 * 60
    assert job.func == "workers.idempotency.prune_idempotency_records"


def test_the_schema_documents_the_header_and_its_codes():
    schema = SchemaGenerator(urlconf=URLCONF).get_schema(request=None, public=True)
    for path, required in (
        ("/api/v1/sites/{site}/effects/", False),
        (
            "/api/v1/sites/{site}/effects/required/",
            True,
        ),
    ):
        operation = schema["paths"][path]["post"]
        header = next(p for p in operation["parameters"] if p["name"] == "Idempotency-Key")
        assert header["in"] == "header"
        assert header.get("required", False) is required
        assert "`idempotency_key_reused`" in operation["responses"]["409"]["description"]
        assert "`idempotency_in_progress`" in operation["responses"]["409"]["description"]
        assert "`idempotency_key_invalid`" in operation["responses"]["400"]["description"]
        assert ("`idempotency_key_required`" in operation["responses"]["400"]["description"]) is (
            required
        )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_same_key_sent_ten_times_at_once_has_one_effect():
    member = MemberFactory(site=Site.objects.get(slug="yongin-library"), username="idemracer")

    def send(index):
        response = post(member, {"amount": 5000}, key="race")
        return response.status_code, response.json(), response.get("Idempotent-Replayed")

    outcomes = run_concurrently(send, 10)
    assert effects() == 1
    assert {(status, body["bucket"]) for status, body, _ in outcomes} == {
        (201, LimitBucket.objects.get(scope=SCOPE).id)
    }
    assert sorted(replayed or "" for *_, replayed in outcomes) == [""] + ["true"] * 9


def test_the_refusals_speak_korean_by_default_and_english_on_request(member):
    korean = post(member, {"amount": 1}, key="")
    assert korean.json()["errors"][0]["detail"] == (
        "Idempotency-Key는 출력 가능한 ASCII 문자 1~255자여야 합니다."
    )
    english = APIClient().post(
        URL,
        {"amount": 1},
        format="json",
        HTTP_IDEMPOTENCY_KEY="",
        HTTP_ACCEPT_LANGUAGE="en",
        **bearer_for(member),
    )
    assert english.json()["errors"][0]["detail"] == (
        "The Idempotency-Key must be 1 to 255 printable ASCII characters."
    )


@pytest.mark.django_db
def test_an_anonymous_request_has_no_caller_to_scope_the_key_to():
    for _ in range(2):
        response = APIClient().post(URL, {"amount": 1}, format="json", HTTP_IDEMPOTENCY_KEY="anon")
        assert response.status_code == 201
    assert effects() == 2
    assert IdempotencyRecord.objects.count() == 0
