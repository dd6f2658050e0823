"""Eligibility checks are limited to 3 a day per member even when requests race (SPEC §14: 8
parallel applications used to run 6 checks)."""

import pytest

from domain.audit.services import RequestContext
from domain.library.models import EligibilityCheck
from domain.library.upgrades import full_member_apply
from domain.sites.models import Site
from tests.concurrency import run_concurrently
from tests.factories.members import MemberFactory


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_eight_parallel_applications_run_at_most_three_checks():
    member = MemberFactory(site=Site.objects.get(slug="yongin-library"), username="racer01")

    def apply(_):
        return full_member_apply(
            member=member,
            actor=member,
            consent=True,
            rrn_back="1000004",  # Seoul resident: refused, so every call reaches the check
            loan_pin="1234",
            loan_pin_confirm="1234",
            context=RequestContext(),
        )

    outcomes = run_concurrently(apply, 8)
    assert sorted(outcomes) == ["eligibility_check_limit"] * 5 + ["not_gyeonggi_resident"] * 3
    assert EligibilityCheck.objects.filter(member=member).count() == 3
