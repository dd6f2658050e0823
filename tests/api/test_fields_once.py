"""FieldsOnceMixin renders exactly what DRF's own to_representation renders (issue 8)."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from rest_framework import serializers

from api.library.serializers import LibraryStateSerializer
from api.members.serializers import MemberProfileSerializer
from domain.library.models import EligibilityCheck, LibraryProfile, LoanLimitGrant
from domain.library.selectors import library_state
from tests.factories.corporates import corporate_with_master

pytestmark = pytest.mark.django_db


def drf_output(serializer, instance) -> dict:
    return dict(serializers.Serializer.to_representation(serializer, instance))


def test_profiles_render_as_drf_renders_them(member_factory, site_of):
    upgraded = member_factory(postal_code="16999", address_road="용인시 처인구")
    LibraryProfile.objects.create(
        member=upgraded, level="full", card_number="2400000009", full_since=timezone.now()
    )
    check = EligibilityCheck.objects.create(
        member=upgraded, purpose="multi_child", outcome="passed"
    )
    LoanLimitGrant.objects.create(
        member=upgraded,
        limit=10,
        valid_until=date.today() + timedelta(days=30),
        reason="multi_child_self",
        eligibility_check=check,
    )
    members = [
        upgraded,
        member_factory(),  # an associate
        member_factory(site=site_of("incheon-water")),
        corporate_with_master().member,
    ]
    for member in members:
        serializer = MemberProfileSerializer(member)
        assert serializer.data == drf_output(serializer, member)
        state = library_state(member)
        library = LibraryStateSerializer(state)
        assert library.data == drf_output(library, state)
    assert MemberProfileSerializer(upgraded).data["library"]["mobile_card"]["card_number"] == (
        "2400000009"
    )
