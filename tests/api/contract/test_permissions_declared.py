"""Permissions deny unless declared (SPEC §8).

Every URL pattern × method of the API is walked: each view must be one of ours with the one
permission class and a declaration for every method it handles. A view class that forgets is
refused when it is defined, and REST framework's default denies. OPTIONS answers on every
endpoint for every role without a server error (finding 8).
"""

import re

import pytest
from django.core.exceptions import ImproperlyConfigured
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from api.base import SiteAPIView
from api.permissions import PUBLIC, Access, DeclaredAccessMixin, DenyAll
from domain.common.capabilities import ROLE_CAPABILITIES, Capability, Role
from tests.api.contract.live_operations import api_views, handled_methods
from tests.conftest import bearer_for
from tests.factories.corporates import corporate_with_master, manager_create
from tests.factories.members import MemberFactory

# Third-party views mounted under /api/v1/: the schema and its two viewers, public by design
# (SPEC §10: served locally so closed networks can read the contract).
THIRD_PARTY = {"SpectacularAPIView", "SpectacularSwaggerView", "SpectacularRedocView"}


def test_every_api_view_declares_every_method_it_handles():
    views = api_views()
    assert len(views) > 40  # the walk really sees the API
    undeclared = []
    for route, cls in views:
        if cls.__name__ in THIRD_PARTY:
            continue
        if not issubclass(cls, DeclaredAccessMixin) or cls.permission_classes != [Access]:
            undeclared.append(f"{route} {cls.__name__}: not a declared view")
            continue
        for method in handled_methods(cls):
            value = cls.access.get(method.upper())
            values = value if isinstance(value, tuple) else (value,)
            if not values or not all(v == PUBLIC or isinstance(v, Capability) for v in values):
                undeclared.append(f"{route} {cls.__name__}: {method.upper()}")
    assert undeclared == []


def test_a_view_without_a_declaration_is_refused_when_defined():
    with pytest.raises(ImproperlyConfigured, match="POST"):

        class Forgetful(SiteAPIView):  # noqa: F841
            access = {"GET": PUBLIC}

            def get(self, request, site): ...

            def post(self, request, site): ...

    with pytest.raises(ImproperlyConfigured, match="permission_classes"):

        class OwnPermissions(SiteAPIView):  # noqa: F841
            permission_classes = []
            access = {"GET": PUBLIC}

            def get(self, request, site): ...


def test_rest_framework_default_denies_a_view_outside_the_base(settings):
    class Bare(APIView):
        def get(self, request):
            return None

    assert settings.REST_FRAMEWORK["DEFAULT_PERMISSION_CLASSES"] == ["api.permissions.DenyAll"]
    assert [type(p) for p in Bare().get_permissions()] == [DenyAll]
    response = Bare.as_view()(APIRequestFactory().get("/anything/"))
    assert response.status_code in (401, 403)


def test_every_role_of_spec_8_is_in_the_one_table():
    assert set(ROLE_CAPABILITIES) == set(Role)
    granted = set().union(*ROLE_CAPABILITIES.values())
    assert granted == set(Capability)  # no capability that no one holds


# --- OPTIONS on every endpoint, every role (finding 8: two corporate-member endpoints 500'd) --

ONNURI = "onnuri-biz"


def _concrete(route: str) -> str:
    route = route.replace("^", "").replace("$", "")
    route = route.replace("<slug:site>", ONNURI)
    route = re.sub(r"<int:[a-z_]+>", "1", route)
    route = re.sub(r"<uuid:[a-z_]+>", "00000000-0000-0000-0000-000000000000", route)
    route = re.sub(r"<str:[a-z_]+>", "x", route)
    route = re.sub(r"\(\?P<id>[^/]*\)", "admin-1", route)
    return "/" + route


@pytest.fixture
def callers(db):
    master = corporate_with_master(username="optmaster")
    general = manager_create(corporate=master.corporate, username="optgeneral")
    from domain.sites.models import Site

    onnuri = Site.objects.get(slug=ONNURI)
    return {
        "anonymous": {},
        "master": bearer_for(master.member),
        "general": bearer_for(general.member),
        "staff": bearer_for(MemberFactory(site=onnuri, username="optstaff", is_staff=True)),
    }


@pytest.mark.django_db
def test_options_never_fails_on_any_endpoint_for_any_role(api, callers):
    routes = sorted({_concrete(r) for r, cls in api_views() if r.startswith("api/v1/sites/")})
    failures = []
    for route in routes:
        for role, headers in callers.items():
            response = api.options(route, **headers)
            if response.status_code >= 500:
                failures.append(f"{role} OPTIONS {route}: {response.status_code}")
    assert failures == []


@pytest.mark.django_db
def test_options_lists_only_the_actions_the_caller_may_take(api, callers):
    url = f"/api/v1/sites/{ONNURI}/corporate-members/"
    as_master = api.options(url, **callers["master"])
    assert as_master.status_code == 200
    assert "POST" in as_master.json().get("actions", {})
    # A general admin does not learn the members menu exists (SPEC §8), OPTIONS included.
    assert api.options(url, **callers["general"]).status_code == 404
    assert api.options(url).status_code == 401
    accounts = f"/api/v1/sites/{ONNURI}/accounts/"
    as_general = api.options(accounts, **callers["general"])
    assert as_general.status_code == 200
    assert "POST" not in as_general.json().get("actions", {})  # accounts.manage: master only
    assert "POST" in api.options(accounts, **callers["master"]).json()["actions"]
