"""Switching methods and features off in the stored policies (README "production")."""

import pytest

from domain.audit.models import AuditEvent
from domain.sites.models import Site
from domain.sites.services import site_policies_switch_off

pytestmark = pytest.mark.django_db


def test_switching_off_drops_the_sequences_and_features_and_audits_each_site():
    changed = site_policies_switch_off(
        methods={"business_certificate"}, features={"library_upgrades"}
    )
    assert changed == ["incheon-water", "yongin-library"]
    incheon = Site.objects.get(slug="incheon-water").rules
    assert incheon.verification["corporate"]["sign_up"] == []
    assert incheon.verification["individual"]["sign_up"] == [["mobile"], ["google", "mobile"]]
    assert "library_upgrades" not in Site.objects.get(slug="yongin-library").rules.features
    events = AuditEvent.objects.filter(type=AuditEvent.Type.SITE_POLICY_CHANGED)
    assert sorted(e.site.slug for e in events) == changed
    assert site_policies_switch_off(methods={"business_certificate"}, features=set()) == []
