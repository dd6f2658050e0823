"""Per-phone SMS limits and per-verification code tries hold when requests race (SPEC §4, §14:
8 parallel starts to one phone used to send up to 5 codes)."""

import pytest

from domain.messaging.models import OutboxMessage
from domain.sites.models import Site
from domain.verifications.models import Verification
from domain.verifications.services import verification_confirm, verification_start
from tests.concurrency import run_concurrently
from tests.factories.members import MemberFactory


@pytest.fixture
def manager():
    return MemberFactory(
        site=Site.objects.get(slug="onnuri-biz"),
        username="manager01",
        kind="corporate_manager",
        mobile="01055556666",
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_eight_parallel_sms_starts_to_one_phone_send_exactly_one_code(manager):
    def start(_):
        return verification_start(
            site=manager.site, purpose="dispatch_send", method="sms_code", member=manager
        )

    outcomes = run_concurrently(start, 8)
    assert sum(1 for o in outcomes if o == "sms_code_too_soon") == 7
    assert Verification.objects.filter(phone="01055556666").count() == 1
    assert OutboxMessage.objects.filter(purpose="verification_dispatch_send").count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_eight_parallel_wrong_codes_use_exactly_five_tries(manager):
    started = verification_start(
        site=manager.site, purpose="dispatch_send", method="sms_code", member=manager
    )

    def confirm(_):
        return verification_confirm(
            site=manager.site,
            verification_id=started.verification.pk,
            payload={"code": "not-a-code"},
            member=manager,
        )

    outcomes = run_concurrently(confirm, 8)
    assert sorted(outcomes) == ["invalid_code"] * 5 + ["verification_failed"] * 3
    verification = Verification.objects.get(pk=started.verification.pk)
    assert (verification.attempts, verification.status) == (5, "failed")
