"""Every operator sees exactly their own site's models on the admin index; the platform
superuser sees all (SPEC §8: `_is_operator` returned the site id, an int,
and Django keeps a model only when the permission is `True`)."""

import pytest
from django.contrib import admin

from domain.members.models import Member
from domain.sites.models import Site

from . import client_for, index_models, operator_of

pytestmark = pytest.mark.django_db

COMMON = {
    "members.Member",
    "sites.Site",
    "consents.ConsentDocument",
    "consents.ConsentRecord",
    "audit.AuditEvent",
    "messaging.OutboxMessage",
}
# What each site's operator sees: the common models and those of the site's features.
EXPECTED = {
    "incheon-water": COMMON,
    "animal-protection": COMMON | {"members.NameChangeRequest"},
    "yongin-library": COMMON | {"sites.LibraryBranch"},
    "onnuri-biz": COMMON
    | {
        "corporates.Corporate",
        "corporates.BankAccount",
        "purchases.Purchase",
        "purchases.DepositStatement",
        "purchases.DepositStatementRow",
        "dispatches.Dispatch",
        "dispatches.Recipient",
    },
}


@pytest.mark.parametrize("slug", sorted(EXPECTED))
def test_each_operator_sees_their_sites_models(slug):
    site = Site.objects.get(slug=slug)
    response = client_for(operator_of(slug)).get("/admin/")
    assert response.status_code == 200
    assert index_models(response) == EXPECTED[slug], site.pk


def test_sites_other_than_the_first_see_members_and_corporates():
    assert Site.objects.get(slug="onnuri-biz").pk != 1
    onnuri = index_models(client_for(operator_of("onnuri-biz")).get("/admin/"))
    assert {"members.Member", "corporates.Corporate"} <= onnuri
    yongin = index_models(client_for(operator_of("yongin-library")).get("/admin/"))
    assert "members.Member" in yongin


def test_the_platform_superuser_sees_every_registered_model():
    root = Member.objects.create_superuser("root", "Root!Pass42")
    shown = index_models(client_for(root).get("/admin/"))
    registered = {f"{m._meta.app_label}.{m.__name__}" for m in admin.site._registry}
    assert shown == registered


@pytest.mark.parametrize(
    "url",
    ["/admin/corporates/corporate/", "/admin/corporates/bankaccount/"],
)
def test_a_site_without_corporates_does_not_get_their_pages(url):
    response = client_for(operator_of("yongin-library")).get(url)
    assert response.status_code == 403


def test_a_member_who_is_not_staff_is_sent_to_the_login():
    from tests.factories.members import MemberFactory

    member = MemberFactory(username="visitor01")
    response = client_for(member).get("/admin/")
    assert response.status_code == 302
