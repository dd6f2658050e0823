"""CompiledRead answers what the ORM answers, in one query, on SQLite and PostgreSQL."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from domain.common.queries import CompiledRead
from domain.library.models import EligibilityCheck, LibraryProfile, LoanLimitGrant
from domain.members.models import Member

pytestmark = pytest.mark.django_db

COLUMNS = (
    "username",
    "library_profile__full_since",
    "loan_limit_grants__valid_until",
    "loan_limit_grants__active",
)


def queryset(member_id):
    return (
        Member.objects.filter(pk=member_id).order_by("loan_limit_grants__id").values_list(*COLUMNS)
    )


def test_rows_and_types_match_the_orm(member_factory):
    upgraded, plain = member_factory(), member_factory()
    LibraryProfile.objects.create(member=upgraded, level="full", full_since=timezone.now())
    check = EligibilityCheck.objects.create(
        member=upgraded, purpose="multi_child", outcome="passed"
    )
    for active in (True, False):
        LoanLimitGrant.objects.create(
            member=upgraded,
            limit=10,
            valid_until=date.today() + timedelta(days=30),
            reason="multi_child_self",
            eligibility_check=check,
            active=active,
        )
    read = CompiledRead(queryset)
    for member in (upgraded, plain):
        with CaptureQueriesContext(connection) as captured:
            rows = read(member.pk)
        assert len(captured) == 1
        assert rows == list(queryset(member.pk))
    assert [type(value) for value in read(upgraded.pk)[0][1:]] == [
        type(timezone.now()),
        date,
        bool,
    ]
    assert read(0) == []


def test_the_value_must_be_used_exactly_once():
    read = CompiledRead(
        lambda value: Member.objects.filter(pk=value, site_id=value).values_list("id")
    )
    with pytest.raises(ValueError):
        read(1)
