"""The one capability table (SPEC §8): every role, resolved lazily."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from domain.capabilities import member_can
from domain.common.capabilities import Capability, account_can
from domain.corporates.models import Corporate
from domain.members.models import Guardianship, Member
from domain.sites.models import Site
from tests.factories.corporates import corporate_with_master, manager_create
from tests.factories.members import MemberFactory

pytestmark = pytest.mark.django_db


def test_a_member_reads_its_own_profile_without_a_query():
    site = Site.objects.get(slug="yongin-library")
    member = MemberFactory(site=site)
    with CaptureQueriesContext(connection) as queries:
        assert member_can(member, site, Capability.PROFILE)
        assert member_can(member, site, Capability.LIBRARY_UPGRADE)
    assert len(queries) == 0
    assert not member_can(member, site, Capability.SITE_READ)
    assert not member_can(member, Site.objects.get(slug="incheon-water"), Capability.PROFILE)


def test_a_guardian_acts_for_wards_only_when_it_has_one():
    site = Site.objects.get(slug="yongin-library")
    guardian = MemberFactory(site=site, ci_hash="g" * 64)
    assert not member_can(guardian, site, Capability.WARDS_EDIT)
    child = MemberFactory(site=site, kind="child")
    Guardianship.objects.create(
        child=child,
        guardian_name="홍길동",
        guardian_phone="01012345678",
        guardian_ci_hash="g" * 64,
        verification_method="mobile",
        verified_at=timezone.now(),
    )
    guardian = Member.objects.get(pk=guardian.pk)  # roles are cached per loaded member
    assert member_can(guardian, site, Capability.WARDS_VIEW) and member_can(
        guardian, site, Capability.WARDS_EDIT
    )


def test_master_and_general_admin_differ_only_by_the_members_menu_and_accounts():
    master = corporate_with_master(username="capmaster")
    general = manager_create(corporate=master.corporate, username="capgeneral")
    site = master.corporate.site
    for capability in (
        Capability.CORPORATE_VIEW,
        Capability.PURCHASES_MANAGE,
        Capability.DISPATCHES_MANAGE,
        Capability.ACCOUNTS_VIEW,
    ):
        assert member_can(master.member, site, capability)
        assert member_can(general.member, site, capability)
    for capability in (Capability.MEMBERS_MANAGE, Capability.ACCOUNTS_MANAGE):
        assert member_can(master.member, site, capability)
        assert not member_can(general.member, site, capability)
    assert not member_can(master.member, site, Capability.SITE_READ)


def test_a_manager_of_a_corporate_not_yet_approved_has_no_manager_capability():
    master = corporate_with_master(username="pendingmaster")
    Corporate.objects.filter(pk=master.corporate_id).update(status=Corporate.Status.PENDING_REVIEW)
    member = Member.objects.get(pk=master.member_id)
    assert not member_can(member, master.corporate.site, Capability.CORPORATE_VIEW)
    assert member_can(member, master.corporate.site, Capability.PROFILE)


def test_staff_of_one_site_and_the_platform_superuser():
    site = Site.objects.get(slug="onnuri-biz")
    other = Site.objects.get(slug="yongin-library")
    staff = MemberFactory(site=site, is_staff=True, kind="staff")
    for capability in (
        Capability.SITE_READ,
        Capability.CORPORATES_REVIEW,
        Capability.ACCOUNTS_REVIEW,
        Capability.NAME_CHANGES_REVIEW,
    ):
        assert member_can(staff, site, capability)
        assert not member_can(staff, other, capability)
    assert not member_can(staff, site, Capability.MEMBERS_MANAGE)
    superuser = Member.objects.create_superuser("root", "Night#Owl8031")
    assert member_can(superuser, site, Capability.CORPORATES_REVIEW)
    assert member_can(superuser, other, Capability.SITE_READ)
    assert not member_can(superuser, site, Capability.PROFILE)  # no profile on any site


def test_services_check_staff_capabilities_from_the_account_alone():
    """`account_can` (below every area) answers what the account row says, without a query,
    as `member_can` does; a capability a guardian or company admin may hold is not its to
    answer."""
    site = Site.objects.get(slug="onnuri-biz")
    staff = MemberFactory(site=site, is_staff=True, kind="staff")
    master = corporate_with_master(username="accountmaster")
    superuser = Member.objects.create_superuser("root", "Night#Owl8031")
    with CaptureQueriesContext(connection) as queries:
        for member in (staff, master.member, superuser):
            for capability in (Capability.SITE_READ, Capability.PURCHASES_REVIEW):
                assert account_can(member, site, capability) == member_can(member, site, capability)
    assert len(queries) == 0
    for capability in (Capability.CORPORATE_VIEW, Capability.WARDS_VIEW):
        with pytest.raises(ValueError, match="member_can"):
            account_can(staff, site, capability)
