"""The browsable API renders every GET endpoint for every role without a server error
(SPEC §1: operators work through the browsable API).

Every URL pattern is walked (as tests/api/contract/test_permissions_declared.py does); path
parameters are filled with real objects of the site, and each GET is rendered as HTML
(`?format=api`, `Accept: text/html`) for anonymous callers, a plain member, an onnuri master and
general admin, and the site's operator (logged in with a session, as in a browser).
"""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from domain.common.hashing import keyed_hash
from domain.corporates.invitations import TOKEN_PURPOSE, invitation_create
from domain.members.models import NameChangeRequest
from domain.purchases.models import DepositStatement
from domain.purchases.services import purchase_request
from domain.sites.models import Site
from tests.api.contract.live_operations import api_views, handled_methods
from tests.api.members import pdf_bytes
from tests.conftest import SITE_SLUGS, bearer_for
from tests.factories.corporates import corporate_with_master, manager_create
from tests.factories.dispatches import dispatch_make, recipients_of
from tests.factories.members import MemberFactory
from tests.factories.purchases import approved_purchase

HTML = {"HTTP_ACCEPT": "text/html"}
INVITATION_TOKEN = "browsable-api-invitation"


def _get_routes() -> list[str]:
    return sorted(
        {route for route, cls in api_views() if "get" in handled_methods(cls)},
    )


# Query parameters some lists need to answer with data rather than a 400.
QUERIES = {
    "consent-documents/": {"kind": "individual"},
    "members/username-availability/": {"username": "someone42"},
}
COLLECTIONS = {
    "accounts": "account",
    "corporates": "corporate",
    "dispatches": "dispatch",
    "members": "member",
    "name-change-requests": "name_change",
    "purchases": "purchase",
    "deposits": "deposit_statement",
}
PRIVATE_FILES = (
    "corporates/test-certificate.pdf",
    "corporates/test-headcount.pdf",
    "corporates/bankbook.pdf",
    "names/evidence.pdf",
)


@pytest.fixture
def world(db, settings):
    """Per site: callers and the ids to put in paths (objects the callers may or may not see)."""
    for path in PRIVATE_FILES:  # downloads answer with the file, not a 404
        target = settings.PRIVATE_MEDIA_ROOT / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(pdf_bytes())
    master = corporate_with_master(username="htmlmaster")
    general = manager_create(corporate=master.corporate, username="htmlgeneral")
    invitation = invitation_create(
        manager=master, name="김초대", department="총무팀", position="대리", mobile="01055554444"
    )
    sites = {}
    for slug in SITE_SLUGS:
        site = Site.objects.get(slug=slug)
        member = MemberFactory(site=site, username=f"plain{site.pk}", birth_date=date(1990, 1, 1))
        staff = MemberFactory(site=site, username=f"operator{site.pk}", staff=True)
        name_change = NameChangeRequest.objects.create(
            site=site,
            member=member,
            current_name=member.name,
            requested_name="홍길순",
            evidence="names/evidence.pdf",
            evidence_content_type="application/pdf",
        )
        callers = {
            "anonymous": None,
            "member": bearer_for(member),
            "operator": staff,  # a session login, as the browsable API's log-in link makes
        }
        if slug == "onnuri-biz":
            callers["master"] = bearer_for(master.member)
            callers["general"] = bearer_for(general.member)
        sites[slug] = {
            "callers": callers,
            "params": {
                "member": member.pk,
                "name_change": name_change.pk,
                "token": "x",
            },
        }
    onnuri = sites["onnuri-biz"]["params"]
    onnuri["account"] = master.corporate.bank_accounts.get().pk
    onnuri["corporate"] = master.corporate.pk
    onnuri["purchase"] = purchase_request(manager=master, amount=1_000_000).pk
    onnuri["deposit_statement"] = DepositStatement.objects.create(
        site=master.corporate.site, file_name="statement.csv"
    ).pk
    onnuri["dispatch"] = dispatch_make(
        manager=master,
        purchase=approved_purchase(master, 100_000),
        recipients=recipients_of(2),
        send_type="scheduled",
        scheduled_at=timezone.now() + timedelta(days=1),
    ).pk
    # A known link token for the pending invitation (the real one only travels by SMS).
    invitation.token_hash = keyed_hash(INVITATION_TOKEN, purpose=TOKEN_PURPOSE)
    invitation.save(update_fields=["token_hash"])
    onnuri["token"] = INVITATION_TOKEN
    return sites


def _concrete(route: str, slug: str, params: dict) -> str:
    route = route.replace("<slug:site>", slug)
    # `{id}` names the object of the path's collection (SPEC §11).
    for collection, key in COLLECTIONS.items():
        if f"/{collection}/<int:id>/" in route:
            route = route.replace("<int:id>", str(params.get(key, 1)))
    assert "<int:" not in route, f"a GET path this test cannot fill yet: {route}"
    route = route.replace("<str:kind>", "registration_certificate")
    route = route.replace("<str:token>", str(params["token"]))
    route = route.replace("<str:provider>", "kakao")
    return "/" + route


@pytest.mark.django_db
def test_every_get_renders_in_the_browsable_api_for_every_role(client, world):
    client.raise_request_exception = False  # collect every failure, not the first
    routes = _get_routes()
    assert len(routes) > 15  # the walk really sees the GET endpoints
    failures = []
    for slug, data in world.items():
        for route in routes:
            if not route.startswith("api/v1/sites/") and slug != "onnuri-biz":
                continue  # platform endpoints: once is enough
            url = _concrete(route, slug, data["params"])
            for role, caller in data["callers"].items():
                client.logout()
                headers = dict(HTML)
                if isinstance(caller, dict):
                    headers.update(caller)
                elif caller is not None:
                    client.force_login(caller)
                query = {"format": "api"}
                query.update(next((q for end, q in QUERIES.items() if url.endswith(end)), {}))
                response = client.get(url, query, **headers)
                if response.status_code >= 500:
                    failures.append(f"{role} GET {url}: {response.status_code}")
    assert failures == []


@pytest.mark.django_db
def test_the_browsable_api_page_is_html_and_shows_the_answer(client, world):
    operator = world["onnuri-biz"]["callers"]["operator"]
    client.force_login(operator)
    response = client.get("/api/v1/sites/onnuri-biz/accounts/", {"format": "api"}, **HTML)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "&quot;count&quot;: 1" in page and "700100" in page  # the list, number masked
    assert "70010012345" not in page


@pytest.mark.django_db
def test_a_refusal_while_building_a_form_leaves_the_answer_intact():
    """Forms ask the view for serializers and querysets; a domain refusal there (an object out
    of scope, a hidden capability) must not turn the answer into a 500."""
    from rest_framework import serializers
    from rest_framework.response import Response
    from rest_framework.test import APIRequestFactory

    from api.base import SiteAPIView
    from api.permissions import PUBLIC
    from domain.common.errors import NotFound

    class Body(serializers.Serializer):
        name = serializers.CharField()

    class Refusing(SiteAPIView):
        access = {"GET": PUBLIC, "POST": PUBLIC}
        serializer_class = Body

        def get_serializer(self, *args, **kwargs):
            raise NotFound()

        def get_queryset(self):
            raise NotFound()

        def get(self, request, site):
            return Response([{"name": "answer"}])

        def post(self, request, site):
            return Response(status=204)

    request = APIRequestFactory().get("/x/", {"format": "api"}, HTTP_ACCEPT="text/html")
    response = Refusing.as_view()(request, site="yongin-library").render()
    assert response.status_code == 200
    assert "answer" in response.content.decode()
