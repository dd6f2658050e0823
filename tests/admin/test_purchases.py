"""The purchase admin: operators list their site's purchases and approve, refund or mark
documents received with list actions that call the services of the API (domain.purchases.
services), one locked transaction per selected row; the status and the money are never edited
by hand (SPEC §7.3, §8)."""

import datetime as dt

import pytest
import time_machine
from django.contrib import admin
from django.utils import timezone

from domain.corporates.models import Corporate
from domain.messaging.models import OutboxMessage
from domain.purchases.models import Purchase, PurchaseEvent
from domain.purchases.services import purchase_approve, purchase_request
from domain.sites.models import Site
from tests.factories.corporates import corporate_with_master

from . import client_for, index_models, operator_of, shown_messages

pytestmark = pytest.mark.django_db

LIST = "/admin/purchases/purchase/"
PAGE = "/admin/purchases/purchase/{pk}/change/"
Status = Purchase.Status
SEOUL = timezone.get_fixed_timezone(9 * 60)
DOCUMENTS_MISSING = "1천만원 이상 구매에 필요한 서류가 아직 접수되지 않았습니다."


@pytest.fixture
def master():
    return corporate_with_master(username="master01", mobile="01055554444")


@pytest.fixture
def operator():
    return operator_of("onnuri-biz")


def request(master, amount: int) -> Purchase:
    return purchase_request(manager=master, amount=amount)


def label(purchase: Purchase) -> str:
    """How the admin's messages name a purchase."""
    return f"{purchase.corporate.name} · 구매 {purchase.pk}번 · {purchase.amount:,}원"


def act(client, action: str, purchases, **extra):
    return client.post(
        LIST,
        {"action": action, "_selected_action": [p.pk for p in purchases], **extra},
        follow=True,
    )


def approved(purchase: Purchase, operator) -> Purchase:
    return purchase_approve(
        corporates=Corporate.objects.filter(site=purchase.corporate.site),
        staff=operator,
        purchase_id=purchase.pk,
    )


def test_there_is_a_purchase_admin_with_its_events_inline():
    model_admin = admin.site._registry[Purchase]
    assert [inline.model for inline in model_admin.inlines] == [PurchaseEvent]


def test_the_operator_lists_the_purchases_with_their_money_and_state(master, operator):
    big = request(master, 10_000_000)
    small = request(master, 2_000_000)
    response = client_for(operator).get(LIST)
    assert response.status_code == 200
    assert response.context["cl"].result_count == 2
    html = response.content.decode()
    for column in (
        "corporate",
        "amount",
        "deposit_amount",
        "discount",
        "status",
        "balance",
        "reserved",
        "approved_at",
        "expires_at",
        "documents_required",
        "documents_received",
    ):
        assert f"column-{column}" in html, column
    assert master.corporate.name in html
    rows = {row.pk: row for row in response.context["cl"].result_list}
    assert set(rows) == {big.pk, small.pk}


def test_the_list_filters_by_status_and_documents_and_searches_the_company(master, operator):
    other = corporate_with_master(username="master02", business_number="2208162517")
    big = request(master, 10_000_000)
    small = request(master, 2_000_000)
    theirs = request(other, 3_000_000)
    approved(small, operator)
    client = client_for(operator)

    def listed(query: str) -> set[int]:
        response = client.get(LIST + query)
        assert response.status_code == 200
        return {row.pk for row in response.context["cl"].result_list}

    assert listed("?status__exact=approved") == {small.pk}
    assert listed("?status__exact=pending") == {big.pk, theirs.pk}
    assert listed("?documents=missing") == {big.pk}
    assert listed("?documents=not_required") == {small.pk, theirs.pk}
    assert listed("?q=" + other.corporate.name) == {theirs.pk}


def test_the_approve_action_approves_exactly_the_selected(
    master, operator, django_capture_on_commit_callbacks
):
    first, second, third = (request(master, amount) for amount in (1_000_000, 2_000_000, 3_000))
    at = dt.datetime(2026, 11, 25, 10, 44, tzinfo=SEOUL)
    with (
        time_machine.travel(at, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = act(client_for(operator), "approve", [first, second])

    assert response.status_code == 200
    for purchase in (first, second):
        purchase.refresh_from_db()
        assert purchase.status == Status.APPROVED
        assert purchase.balance == purchase.amount
        assert purchase.approved_by == operator
        assert timezone.localtime(purchase.expires_at) == at.replace(year=2031)
        event = PurchaseEvent.objects.get(purchase=purchase, type="approved")
        assert (event.actor, event.old_balance, event.new_balance) == (
            operator,
            0,
            purchase.amount,
        )
    third.refresh_from_db()
    assert (third.status, third.balance) == (Status.PENDING, 0)
    assert not PurchaseEvent.objects.filter(purchase=third, type="approved").exists()
    assert OutboxMessage.objects.filter(purpose="purchase_approved").count() == 2
    assert sorted(shown_messages(response)) == sorted(
        f"{label(p)}: 승인했습니다." for p in (first, second)
    )
    assert {m.level_tag for m in response.context["messages"]} == {"success"}


def test_documents_missing_is_reported_and_changes_that_row_only(master, operator):
    big = request(master, 10_000_000)
    small = request(master, 1_000_000)
    client = client_for(operator)

    response = act(client, "approve", [big, small])

    messages = {str(m): m.level_tag for m in response.context["messages"]}
    assert messages == {
        f"{label(big)}: {DOCUMENTS_MISSING}": "error",
        f"{label(small)}: 승인했습니다.": "success",
    }
    big.refresh_from_db()
    small.refresh_from_db()
    assert (big.status, big.balance, big.approved_at) == (Status.PENDING, 0, None)
    assert list(big.events.values_list("type", flat=True)) == ["requested"]
    assert small.status == Status.APPROVED  # its own transaction, not undone by the other

    received = act(client, "mark_documents_received", [big])
    assert shown_messages(received) == [f"{label(big)}: 서류 접수를 기록했습니다."]
    big.refresh_from_db()
    assert big.documents_received_at is not None
    event = PurchaseEvent.objects.get(purchase=big, type="documents_received")
    assert event.actor == operator

    act(client, "approve", [big])
    big.refresh_from_db()
    assert (big.status, big.balance) == (Status.APPROVED, 10_000_000)


def test_marking_documents_of_a_purchase_that_needs_none_is_an_error(master, operator):
    small = request(master, 1_000_000)
    response = act(client_for(operator), "mark_documents_received", [small])
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert shown_messages(response) == [f"{label(small)}: 이 구매는 서류 제출 대상이 아닙니다."]
    small.refresh_from_db()
    assert small.documents_received_at is None


def test_the_refund_action_asks_then_refunds_the_balance(master, operator):
    purchase = approved(request(master, 1_000_000), operator)
    client = client_for(operator)

    ask = act(client, "refund", [purchase])
    assert ask.status_code == 200
    html = ask.content.decode()
    assert 'name="apply"' in html and label(purchase) in html
    purchase.refresh_from_db()
    assert (purchase.status, purchase.balance) == (Status.APPROVED, 1_000_000)

    done = act(client, "refund", [purchase], apply="1")
    assert shown_messages(done) == [f"{label(purchase)}: 환불했습니다."]
    purchase.refresh_from_db()
    assert (purchase.status, purchase.balance, purchase.refund_amount) == (
        Status.REFUNDED,
        0,
        1_000_000,
    )
    event = PurchaseEvent.objects.get(purchase=purchase, type="refunded")
    assert (event.actor, event.old_balance, event.new_balance) == (operator, 1_000_000, 0)


def test_refund_refusals_are_reported_and_change_nothing(master, operator):
    pending = request(master, 1_000_000)
    reserved = approved(request(master, 2_000_000), operator)
    Purchase.objects.filter(pk=reserved.pk).update(balance=1_500_000, reserved=500_000)
    events = PurchaseEvent.objects.count()

    response = act(client_for(operator), "refund", [pending, reserved], apply="1")

    messages = {str(m): m.level_tag for m in response.context["messages"]}
    assert messages == {
        f"{label(pending)}: 현재 상태(대기)에서는 환불(으)로 바꿀 수 없습니다.": "error",
        f"{label(reserved)}: 아직 발송되지 않은 발송 건에 잔액 일부가 예약되어 있습니다.": "error",
    }
    pending.refresh_from_db()
    reserved.refresh_from_db()
    assert pending.status == Status.PENDING
    assert (reserved.status, reserved.balance, reserved.reserved) == (
        Status.APPROVED,
        1_500_000,
        500_000,
    )
    assert PurchaseEvent.objects.count() == events


def test_the_status_and_money_are_not_editable_and_nothing_is_added_or_deleted(master, operator):
    purchase = request(master, 1_000_000)
    client = client_for(operator)
    page = client.get(PAGE.format(pk=purchase.pk))
    assert page.status_code == 200
    html = page.content.decode()
    for field in ("status", "balance", "reserved", "amount", "expires_at"):
        assert f'name="{field}"' not in html, field
    assert {"status", "balance", "reserved", "amount"} <= set(
        page.context["adminform"].readonly_fields
    )
    assert "pending" in html or "대기" in html
    events = page.context["inline_admin_formsets"]
    assert [formset.opts.model for formset in events] == [PurchaseEvent]
    assert not events[0].has_add_permission and not events[0].has_delete_permission

    edited = client.post(PAGE.format(pk=purchase.pk), {"status": "approved", "balance": "1000000"})
    assert edited.status_code == 403
    assert client.get(LIST + "add/").status_code == 403
    assert client.post(f"{LIST}{purchase.pk}/delete/").status_code == 403
    actions = dict(admin.site._registry[Purchase].get_action_choices(page.wsgi_request))
    assert set(actions) == {"", "approve", "refund", "mark_documents_received"}
    purchase.refresh_from_db()
    assert (purchase.status, purchase.balance) == (Status.PENDING, 0)


def test_the_approve_button_of_a_pending_purchase_asks_then_approves(master, operator):
    purchase = request(master, 1_000_000)
    client = client_for(operator)
    page = client.get(PAGE.format(pk=purchase.pk)).content.decode()
    url = f"{LIST}{purchase.pk}/approve/"
    assert f'href="{url}"' in page
    # No rejection: a company cancels its own request (SPEC §7.3), staff do not.
    assert f'href="{LIST}{purchase.pk}/reject/"' not in page
    assert client.post(f"{LIST}{purchase.pk}/reject/", {"reason": "x"}).status_code == 302
    assert Purchase.objects.get(pk=purchase.pk).status == Status.PENDING
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    purchase.refresh_from_db()
    assert purchase.status == Status.APPROVED


def test_the_onnuri_operator_sees_the_purchases_on_the_index(operator):
    assert "purchases.Purchase" in index_models(client_for(operator).get("/admin/"))


def test_an_operator_of_a_site_without_purchases_sees_and_changes_nothing(master):
    purchase = request(master, 1_000_000)
    other = client_for(operator_of("yongin-library"))
    assert "purchases.Purchase" not in index_models(other.get("/admin/"))
    assert other.get(LIST).status_code == 403
    assert other.get(PAGE.format(pk=purchase.pk)).status_code in (403, 404)
    assert other.post(f"{LIST}{purchase.pk}/approve/").status_code in (403, 404)
    assert act(other, "approve", [purchase]).status_code == 403
    purchase.refresh_from_db()
    assert purchase.status == Status.PENDING


def test_operators_see_and_act_on_their_own_sites_purchases_only(master, operator):
    """Another site with purchases: each operator lists and approves only their own."""
    incheon = Site.objects.get(slug="incheon-water")
    incheon.policy = {**incheon.policy, "features": [*incheon.policy["features"], "purchases"]}
    incheon.save()
    ours = request(master, 1_000_000)
    theirs = request(
        corporate_with_master(username="master03", business_number="1208147521", site=incheon),
        2_000_000,
    )
    incheon_operator = client_for(operator_of("incheon-water", username="operator2"))

    listed = incheon_operator.get(LIST)
    assert [row.pk for row in listed.context["cl"].result_list] == [theirs.pk]
    assert incheon_operator.get(PAGE.format(pk=ours.pk)).status_code in (302, 404)
    act(incheon_operator, "approve", [ours, theirs])
    ours.refresh_from_db()
    theirs.refresh_from_db()
    assert (ours.status, theirs.status) == (Status.PENDING, Status.APPROVED)

    onnuri = client_for(operator).get(LIST)
    assert [row.pk for row in onnuri.context["cl"].result_list] == [ours.pk]
