"""FieldsOnceMixin renders exactly what DRF's own to_representation renders."""

from datetime import date, timedelta

import pytest
from django.utils import timezone, translation
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


def test_purchase_and_dispatch_rows_render_as_drf_renders_them(settings):
    """The lists' rows: labels, the receiving account once per list, the
    requester and the counts, in Korean and in English."""
    from api.dispatches.serializers import DispatchHistorySerializer
    from api.purchases.serializers import PurchaseSerializer
    from domain.dispatches.selectors import dispatch_list
    from domain.purchases.services import purchase_cancel, purchase_list, purchase_request
    from tests.factories.dispatches import dispatch_make, recipients_of
    from tests.factories.purchases import approved_purchase

    master = corporate_with_master()
    approved = approved_purchase(master, 9_000_000)
    purchase_request(manager=master, amount=10_000_000)  # pending, its documents required
    purchase_cancel(manager=master, purchase_id=purchase_request(manager=master, amount=1000).pk)
    dispatch_make(manager=master, purchase=approved, recipients=recipients_of(3))
    dispatch_make(
        manager=master,
        purchase=approved,
        recipients=recipients_of(2, start=3),
        send_type="scheduled",
        scheduled_at=timezone.now() + timedelta(days=1),
    )
    corporates = type(master.corporate).objects.filter(pk=master.corporate_id)
    rows = [
        (PurchaseSerializer, list(purchase_list(corporates=corporates))),
        (DispatchHistorySerializer, list(dispatch_list(corporates=corporates))),
    ]
    for language in ("ko", "en"):
        with translation.override(language):
            for serializer_class, instances in rows:
                many = serializer_class(instances, many=True)
                assert many.data == [drf_output(many.child, row) for row in instances]
                for data, instance in zip(many.data, instances, strict=True):
                    assert data["status_label"] == instance.get_status_display()
                    if "send_type_label" in data:
                        assert data["send_type_label"] == instance.get_send_type_display()
