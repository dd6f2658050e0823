"""A site policy's `features` lists only what is served (SPEC §2, §11).

Every feature a policy advertises has an endpoint on that site, and the policy gates it: the
probe answers (not 404) while the feature is listed and 404 once staff switch it off. A new
feature needs its probe here; issues 10/11 added `purchases` and `dispatches` back with theirs.
"""

import importlib

import pytest
from django.apps import apps

from domain.sites.catalogue import SITES
from domain.sites.models import Site
from domain.sites.services import site_policies_switch_off
from tests.conftest import bearer_for, error_codes

pytestmark = pytest.mark.django_db

# feature: (method, path under sites/{site}/, caller, body, the 404 code once switched off)
PROBES = {
    "signup_manual": ("get", "manual/", None, None, "feature_not_available"),
    "re_verification": (
        "post",
        "members/me/re-verification/",
        "member",
        {"verification_token": "not-a-token"},
        "feature_not_available",
    ),
    "name_change_requests": (
        "get",
        "name-change-requests/",
        "member",
        None,
        "feature_not_available",
    ),
    "sns_link": ("get", "members/me/social-accounts/", "member", None, "unknown_social_provider"),
    "library_upgrades": ("get", "library-upgrades/", "member", None, "feature_not_available"),
    "corporates": ("get", "corporates/", "staff", None, "feature_not_available"),
    "purchases": ("get", "purchases/", "staff", None, "feature_not_available"),
    "dispatches": ("get", "dispatches/", "staff", None, "feature_not_available"),
}
ADVERTISED = [(s["slug"], f) for s in SITES for f in s["policy"].get("features", [])]


def probe(api, member_factory, site: Site, feature: str):
    method, path, caller, body, _ = PROBES[feature]
    headers = {}
    if caller:
        headers = bearer_for(member_factory(site=site, staff=caller == "staff"))
    return getattr(api, method)(f"/api/v1/sites/{site.slug}/{path}", body, format="json", **headers)


def test_the_stored_policies_advertise_what_the_catalogue_does():
    stored = {site.slug: list(site.rules.features) for site in Site.objects.all()}
    assert stored == {s["slug"]: s["policy"].get("features", []) for s in SITES}


def test_every_advertised_feature_has_a_probe():
    assert {feature for _, feature in ADVERTISED} <= set(PROBES)


def test_onnuri_biz_advertises_only_what_exists():
    features = Site.objects.get(slug="onnuri-biz").rules.features
    assert set(features) == {"corporates", "signup_manual", "purchases", "dispatches"}


@pytest.mark.parametrize("slug,feature", ADVERTISED)
def test_an_advertised_feature_is_served_and_gated_by_the_policy(
    api, member_factory, site_of, slug, feature
):
    site = site_of(slug)
    served = probe(api, member_factory, site, feature)
    assert served.status_code != 404, (feature, served.content[:300])
    site_policies_switch_off(methods=set(), features={feature})
    site = site_of(slug)
    assert feature not in site.rules.features
    gated = probe(api, member_factory, site, feature)
    assert gated.status_code == 404, (feature, gated.content[:300])
    assert error_codes(gated) == [PROBES[feature][4]]


def test_the_migration_drops_unserved_features_from_a_stored_policy():
    migration = importlib.import_module("domain.sites.migrations.0003_features_served")
    site = Site.objects.get(slug="onnuri-biz")
    site.policy["features"] = ["corporates", "purchases", "dispatches"]
    site.save()
    untouched = Site.objects.get(slug="yongin-library").policy
    migration.features_served(apps, None)
    assert Site.objects.get(slug="onnuri-biz").policy["features"] == [
        "corporates",
        "signup_manual",
    ]
    assert Site.objects.get(slug="yongin-library").policy == untouched
