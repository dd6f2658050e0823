"""미수령건 회수: the company reclaims selected unreceived gifts (SPEC §7.4;
manual 004 §3.3). All or nothing: one recipient that is not an unreceived gift of this dispatch
refuses the whole request (409 `recipient_not_reclaimable`, its ids listed). The amounts go back
to the purchase while it is valid; one dispatch event and one purchase event per reclaim."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from domain.dispatches.models import DispatchEvent, DispatchEventType, Recipient
from domain.purchases.models import Purchase, PurchaseEvent, PurchaseEventType
from tests.conftest import bearer_for, error_codes
from tests.factories.corporates import corporate_with_master, manager_create
from tests.factories.dispatches import dispatch_make, recipients_of
from tests.factories.gifts import dispatch_sent, gift_callback, gifts_sent
from tests.factories.purchases import approved_purchase

pytestmark = pytest.mark.django_db

Status = Recipient.Status
SITE = "onnuri-biz"
CODES = [f"Reclaim{index:04d}" for index in range(4)]


@pytest.fixture
def master():
    return corporate_with_master(username="reclaimer1")


@pytest.fixture
def purchase(master):
    return approved_purchase(master, 100_000)


@pytest.fixture
def dispatch(master, purchase):
    return dispatch_sent(manager=master, purchase=purchase, codes=CODES, amount=5_000)


def ids(dispatch, *rows: int) -> list[int]:
    return [Recipient.objects.get(dispatch=dispatch, row=row).pk for row in rows]


def reclaim(api, member, dispatch_id: int, recipients: list[int], **headers):
    return api.post(
        f"/api/v1/sites/{SITE}/dispatches/{dispatch_id}/reclaim/",
        {"recipients": recipients},
        format="json",
        **bearer_for(member),
        **headers,
    )


def statuses(dispatch) -> list[str]:
    return list(dispatch.recipients.order_by("row").values_list("status", flat=True))


def money(purchase) -> tuple[int, int]:
    purchase.refresh_from_db()
    return purchase.balance, purchase.reserved


def test_reclaiming_unreceived_gifts_returns_their_amount(api, master, dispatch, purchase):
    assert money(purchase) == (80_000, 0)
    chosen = ids(dispatch, 1, 3)
    response = reclaim(api, master.member, dispatch.pk, chosen)
    assert response.status_code == 200, response.content
    assert response.json() == {
        "dispatch": dispatch.pk,
        "recipients": chosen,
        "count": 2,
        "amount": 10_000,
        "returned": 10_000,
    }
    assert statuses(dispatch) == ["reclaimed", "sent", "reclaimed", "sent"]
    assert all(r.outcome_at for r in dispatch.recipients.filter(status=Status.RECLAIMED))
    assert money(purchase) == (90_000, 0)
    event = DispatchEvent.objects.get(dispatch=dispatch, type=DispatchEventType.RECLAIMED)
    assert (event.old_status, event.new_status) == ("sent", "reclaimed")
    assert event.amount == 10_000
    assert event.actor == master.member
    assert event.parameters == {"recipients": chosen, "count": 2, "gift_amount": 10_000}
    returned = PurchaseEvent.objects.get(purchase=purchase, type=PurchaseEventType.RETURNED)
    assert returned.parameters["amount"] == 10_000


def test_a_general_admin_reclaims_too(api, master, dispatch):
    general = manager_create(corporate=master.corporate, username="general77")
    response = reclaim(api, general.member, dispatch.pk, ids(dispatch, 2))
    assert response.status_code == 200, response.content
    assert statuses(dispatch) == ["sent", "reclaimed", "sent", "sent"]


def test_a_received_gift_cannot_be_reclaimed_and_nothing_moves(api, master, dispatch, purchase):
    assert gift_callback(api, CODES[1], "receive").status_code == 200
    assert gift_callback(api, CODES[2], "refuse").status_code == 200
    before_events = DispatchEvent.objects.filter(dispatch=dispatch).count()
    assert money(purchase) == (85_000, 0)
    asked = ids(dispatch, 1, 2, 3, 4)
    response = reclaim(api, master.member, dispatch.pk, asked)
    assert response.status_code == 409
    assert error_codes(response) == ["recipient_not_reclaimable"]
    assert response.json()["errors"][0]["recipients"] == ids(dispatch, 2, 3)
    assert statuses(dispatch) == ["sent", "received", "refused", "sent"]
    assert money(purchase) == (85_000, 0)
    assert DispatchEvent.objects.filter(dispatch=dispatch).count() == before_events


def test_a_reclaimed_gift_cannot_be_reclaimed_again(api, master, dispatch, purchase):
    assert reclaim(api, master.member, dispatch.pk, ids(dispatch, 1)).status_code == 200
    response = reclaim(api, master.member, dispatch.pk, ids(dispatch, 1))
    assert response.status_code == 409
    assert response.json()["errors"][0]["recipients"] == ids(dispatch, 1)
    assert money(purchase) == (85_000, 0)  # returned once


def test_a_recipient_of_another_dispatch_is_not_reclaimable_here(api, master, dispatch, purchase):
    other = dispatch_make(
        manager=master, purchase=purchase, recipients=recipients_of(1, start=50, amount=5_000)
    )
    gifts_sent(other, ["OtherCode01"])
    stranger = other.recipients.get().pk
    response = reclaim(api, master.member, dispatch.pk, [*ids(dispatch, 1), stranger])
    assert response.status_code == 409
    assert response.json()["errors"][0]["recipients"] == [stranger]
    assert statuses(dispatch) == ["sent"] * 4


def test_a_gift_not_sent_yet_is_not_reclaimable(api, master, purchase):
    queued = dispatch_make(manager=master, purchase=purchase, recipients=recipients_of(2))
    response = reclaim(api, master.member, queued.pk, ids(queued, 1))
    assert response.status_code == 409
    assert error_codes(response) == ["recipient_not_reclaimable"]
    assert statuses(queued) == ["queued", "queued"]


def test_after_the_purchase_expired_gifts_are_reclaimed_but_no_money_returns(
    api, master, dispatch, purchase
):
    purchase.refresh_from_db()
    with time_machine.travel(purchase.expires_at + dt.timedelta(days=1), tick=False):
        response = reclaim(api, master.member, dispatch.pk, ids(dispatch, 1, 2))
    assert response.status_code == 200, response.content
    assert response.json()["amount"] == 10_000
    assert response.json()["returned"] == 0
    assert statuses(dispatch) == ["reclaimed", "reclaimed", "sent", "sent"]
    assert money(purchase) == (80_000, 0)
    assert not PurchaseEvent.objects.filter(purchase=purchase, type=PurchaseEventType.RETURNED)
    event = DispatchEvent.objects.get(dispatch=dispatch, type=DispatchEventType.RECLAIMED)
    assert event.amount == 0
    assert event.parameters["gift_amount"] == 10_000


def test_an_expired_and_marked_purchase_returns_nothing_either(api, master, dispatch, purchase):
    from domain.purchases.services import purchases_expire

    purchase.refresh_from_db()
    later = purchase.expires_at + dt.timedelta(days=1)
    with time_machine.travel(later, tick=False):
        purchases_expire()
        assert Purchase.objects.get(pk=purchase.pk).status == Purchase.Status.EXPIRED
        response = reclaim(api, master.member, dispatch.pk, ids(dispatch, 4))
    assert response.status_code == 200, response.content
    assert response.json()["returned"] == 0
    assert money(purchase) == (80_000, 0)


def test_another_companys_dispatch_is_a_404(api, dispatch):
    other = corporate_with_master(username="othermaster9", business_number="2208162517")
    response = reclaim(api, other.member, dispatch.pk, ids(dispatch, 1))
    assert response.status_code == 404
    assert error_codes(response) == ["dispatch_not_found"]
    assert statuses(dispatch) == ["sent"] * 4


def test_an_unknown_dispatch_is_a_404(api, master, dispatch):
    response = reclaim(api, master.member, dispatch.pk + 999, ids(dispatch, 1))
    assert response.status_code == 404
    assert error_codes(response) == ["dispatch_not_found"]


def test_anonymous_is_a_401(api, dispatch):
    response = api.post(
        f"/api/v1/sites/{SITE}/dispatches/{dispatch.pk}/reclaim/",
        {"recipients": ids(dispatch, 1)},
        format="json",
    )
    assert response.status_code == 401
    assert error_codes(response) == ["not_authenticated"]
    assert statuses(dispatch) == ["sent"] * 4


def test_staff_read_but_do_not_reclaim(api, member_factory, site_of, dispatch):
    """Staff hold no dispatch capability: the action is not told to exist (api.permissions)."""
    staff = member_factory(site=site_of(SITE), username="operator5x", staff=True)
    response = reclaim(api, staff, dispatch.pk, ids(dispatch, 1))
    assert response.status_code == 404
    assert error_codes(response) == ["not_found"]
    assert statuses(dispatch) == ["sent"] * 4


@pytest.mark.parametrize(
    "recipients,code",
    [([], "empty"), (["x"], "invalid"), (None, "null")],
)
def test_the_recipient_list_is_checked(api, master, dispatch, recipients, code):
    response = api.post(
        f"/api/v1/sites/{SITE}/dispatches/{dispatch.pk}/reclaim/",
        {"recipients": recipients},
        format="json",
        **bearer_for(master.member),
    )
    assert response.status_code == 400
    assert error_codes(response) == [code]


def test_no_more_ids_than_a_dispatch_can_have(api, master, dispatch, site_of):
    site = site_of(SITE)
    site.policy["dispatch_max_recipients"] = 3
    site.save()
    response = reclaim(api, master.member, dispatch.pk, ids(dispatch, 1, 2, 3, 4))
    assert response.status_code == 400
    assert error_codes(response) == ["max_length"]
    assert response.json()["errors"][0]["attr"] == "recipients"
    assert statuses(dispatch) == ["sent"] * 4


def test_a_repeated_id_counts_once(api, master, dispatch, purchase):
    first = ids(dispatch, 1)[0]
    response = reclaim(api, master.member, dispatch.pk, [first, first])
    assert response.status_code == 200, response.content
    assert response.json()["recipients"] == [first]
    assert money(purchase) == (85_000, 0)


def test_the_idempotency_key_replays_the_first_answer(api, master, dispatch, purchase):
    chosen = ids(dispatch, 2)
    first = reclaim(api, master.member, dispatch.pk, chosen, HTTP_IDEMPOTENCY_KEY="reclaim-1")
    again = reclaim(api, master.member, dispatch.pk, chosen, HTTP_IDEMPOTENCY_KEY="reclaim-1")
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert money(purchase) == (85_000, 0)


def test_the_queries_do_not_grow_with_the_number_reclaimed(api, master, purchase):
    def queries(count: int, start: int) -> int:
        dispatch = dispatch_make(
            manager=master,
            purchase=purchase,
            recipients=recipients_of(count, start=start, amount=1_000),
        )
        gifts_sent(dispatch, [f"Many{start + index:05d}" for index in range(count)])
        chosen = list(dispatch.recipients.values_list("pk", flat=True))
        with CaptureQueriesContext(connection) as captured:
            response = reclaim(api, master.member, dispatch.pk, chosen)
        assert response.status_code == 200, response.content
        assert response.json()["count"] == count
        return len(captured)

    queries(1, start=50)  # the site's consent documents are cached by the first request
    assert queries(2, start=100) == queries(40, start=200)


def test_an_id_past_the_database_range_is_a_400(api, master, dispatch, purchase):
    """The ids are bounded like every id a request names (api.serializers.IdField): SQLite
    cannot bind one past 2⁶³−1 (an OverflowError, a 500)."""
    response = reclaim(api, master.member, dispatch.pk, [10_000_000_000_000_000_000])
    assert response.status_code == 400, response.content
    assert error_codes(response) == ["max_value"]
    assert response.json()["errors"][0]["attr"] == "recipients.0"
    assert money(purchase) == (80_000, 0)
