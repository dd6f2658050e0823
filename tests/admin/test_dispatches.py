"""Dispatches in the Django admin (SPEC §7.4, §8): an onnuri-biz operator answers a company's
"did my gifts go out?" from their site's dispatches — status, money, counts and history — and
the recipients, names and mobiles masked, never a claim code. Read-only: money moves only
through the services; another site's operator sees none of it."""

import pytest

from domain.dispatches.claim_codes import claim_code_hash
from domain.dispatches.models import Dispatch, DispatchEvent, Recipient
from tests.factories.corporates import corporate_with_master
from tests.factories.dispatches import dispatch_make
from tests.factories.purchases import approved_purchase

from . import client_for, operator_of

pytestmark = pytest.mark.django_db

DISPATCHES = "/admin/dispatches/dispatch/"
RECIPIENTS = "/admin/dispatches/recipient/"


@pytest.fixture
def dispatch():
    master = corporate_with_master(username="master01", mobile="01055554444")
    purchase = approved_purchase(master, 100_000)
    made = dispatch_make(
        manager=master,
        purchase=purchase,
        recipients=[("김정수", "01012345678", 10_000), ("이영희", "01098765432", 20_000)],
        title="설 선물",
    )
    Recipient.objects.filter(dispatch=made, row=1).update(
        claim_code_hash=claim_code_hash("SecretCode01")
    )
    DispatchEvent.objects.create(dispatch=made, type="created", new_status="pending", amount=30_000)
    return made


def test_the_operator_lists_and_opens_a_dispatch_with_its_history(dispatch):
    client = client_for(operator_of("onnuri-biz"))
    listed = client.get(DISPATCHES)
    assert listed.status_code == 200
    page = listed.content.decode()
    assert "설 선물" in page and dispatch.corporate.name in page
    opened = client.get(f"{DISPATCHES}{dispatch.pk}/change/")
    assert opened.status_code == 200
    page = opened.content.decode()
    assert "30,000" in page
    assert "created" in page  # the event inline
    assert f"{RECIPIENTS}?dispatch__id__exact={dispatch.pk}" in page


def test_recipients_are_masked_and_no_claim_code_hash_is_shown(dispatch):
    client = client_for(operator_of("onnuri-biz"))
    listed = client.get(RECIPIENTS, {"dispatch__id__exact": dispatch.pk})
    assert listed.status_code == 200
    page = listed.content.decode()
    assert "01012345678" not in page and "김정수" not in page
    assert "0101****678" in page and "김정*" in page
    recipient = Recipient.objects.get(dispatch=dispatch, row=1)
    opened = client.get(f"{RECIPIENTS}{recipient.pk}/change/").content.decode()
    assert "01012345678" not in opened and "김정수" not in opened
    assert claim_code_hash("SecretCode01") not in opened


def test_an_operator_finds_a_recipient_by_the_full_mobile(dispatch):
    client = client_for(operator_of("onnuri-biz"))
    found = client.get(RECIPIENTS, {"q": "01098765432"})
    assert found.status_code == 200
    assert found.context["cl"].result_count == 1


def test_nothing_is_edited_added_or_deleted(dispatch):
    client = client_for(operator_of("onnuri-biz"))
    before = (dispatch.status, dispatch.total)
    assert (
        client.post(f"{DISPATCHES}{dispatch.pk}/change/", {"status": "cancelled"}).status_code
        == 403
    )
    assert client.get(f"{DISPATCHES}add/").status_code == 403
    assert client.get(f"{DISPATCHES}{dispatch.pk}/delete/").status_code == 403
    dispatch.refresh_from_db()
    assert (dispatch.status, dispatch.total) == before


def test_another_sites_operator_sees_none_of_it(dispatch):
    client = client_for(operator_of("yongin-library"))
    assert client.get(DISPATCHES).status_code == 403
    assert client.get(RECIPIENTS).status_code == 403
    assert Dispatch.objects.count() == 1
