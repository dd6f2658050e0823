"""The migration that keeps departed admins in the members list (corporates 0005): admins who
joined by invitation carry it; those who left before it get their row back (manual 004 §4.1)."""

import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from domain.corporates.corporate_admins import corporate_member_entries
from domain.corporates.models import CorporateEvent, CorporateManager, Invitation
from domain.members.models import Member
from tests.factories.corporates import corporate_with_master, manager_create
from tests.factories.members import MemberFactory

pytestmark = pytest.mark.django_db
migration = importlib.import_module("domain.corporates.migrations.0005_manager_entries")


def accepted_invitation(corporate, member, name: str) -> Invitation:
    return Invitation.objects.create(
        corporate=corporate,
        name=name,
        department="재무팀",
        position="과장",
        mobile="01055556666" if member.mobile else "",
        token_hash=f"{member.pk:064d}",
        expires_at=timezone.now(),
        status=Invitation.Status.ACCEPTED,
        accepted_member=member,
        accepted_at=timezone.now(),
    )


def test_backfill_links_and_restores_entries():
    master = corporate_with_master(username="master01")
    corporate = master.corporate
    joined = manager_create(corporate=corporate, username="joined01")
    linked = accepted_invitation(corporate, joined.member, "나희정")
    # Left before the migration: the role row was deleted, the invitation stood in the list.
    gone = MemberFactory(site=corporate.site, username="gone0001", name="", mobile="")
    Member.objects.filter(pk=gone.pk).update(status=Member.Status.WITHDRAWN)
    withdrawn = accepted_invitation(corporate, gone, "김정호")
    removed = MemberFactory(site=corporate.site, username="gone0002", name="", mobile="")
    deleted = accepted_invitation(corporate, removed, "박영수")
    CorporateEvent.objects.create(
        corporate=corporate, type="admin_deleted", parameters={"member_id": removed.pk}
    )

    migration.entries_backfill(apps, None)
    migration.entries_backfill(apps, None)  # safe to run twice

    assert CorporateManager.objects.get(pk=joined.pk).invitation == linked
    restored = {
        m.invitation_id: (m.member_id, m.status, m.masked_name, m.role)
        for m in CorporateManager.objects.exclude(pk__in=[master.pk, joined.pk])
    }
    assert restored == {
        withdrawn.pk: (gone.pk, "withdrawn", "김정*", "general"),
        deleted.pk: (removed.pk, "deleted", "박영*", "general"),
    }
    assert set(
        Invitation.objects.filter(pk__in=[withdrawn.pk, deleted.pk]).values_list("name", "mobile")
    ) == {("", "")}
    listed = {e.id: e.status for e in corporate_member_entries(corporate=corporate)}
    assert listed == {
        f"admin-{master.pk}": "active",
        f"invitation-{linked.pk}": "active",
        f"invitation-{withdrawn.pk}": "withdrawn",
        f"invitation-{deleted.pk}": "deleted",
    }
