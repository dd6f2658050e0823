"""Deposit matching in the admin: operators upload a statement, read its proposals and confirm
them with the services of the API."""

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from domain.corporates.models import Corporate
from domain.members.models import Member
from domain.purchases.models import DepositStatement, DepositStatementRow, Purchase, PurchaseEvent
from domain.purchases.services import purchase_request
from tests.factories.corporates import corporate_with_master

from . import client_for, operator_of, shown_messages

pytestmark = pytest.mark.django_db

STATEMENTS = "/admin/purchases/depositstatement/"
UPLOAD = f"{STATEMENTS}upload/"
ROWS = "/admin/purchases/depositstatementrow/"
SEOUL = timezone.get_current_timezone()


@pytest.fixture
def master():
    master = corporate_with_master(username="adminmaster")
    Corporate.objects.filter(pk=master.corporate_id).update(name="(주)한빛상사")
    return master


@pytest.fixture
def operator():
    return operator_of("onnuri-biz")


def request(master, amount):
    with time_machine.travel(dt.datetime(2026, 11, 25, 9, 0, tzinfo=SEOUL), tick=False):
        return purchase_request(manager=master, amount=amount)


def statement_file(*rows: tuple[str, int]) -> SimpleUploadedFile:
    lines = ["거래일시,입금자명,입금액"] + [f"2026-11-25 10:00,{n},{a}" for n, a in rows]
    return SimpleUploadedFile("bank.csv", "\n".join(lines).encode("cp949"), "text/csv")


@pytest.fixture
def purchases(master):
    """One purchase proposed alone, two of equal amount (ambiguous)."""
    single = request(master, 1_000_000)
    pair = [request(master, 2_000_000) for _ in range(2)]
    return single, pair


def upload(client, *rows):
    return client.post(UPLOAD, {"file": statement_file(*rows)}, follow=True)


def test_the_operator_uploads_a_statement_and_sees_its_proposals(operator, purchases):
    single, pair = purchases
    client = client_for(operator)
    page = client.get(STATEMENTS)
    assert page.status_code == 200 and UPLOAD in page.content.decode()
    assert client.get(UPLOAD).status_code == 200
    response = upload(
        client, ("한빛상사", single.deposit_amount), ("㈜한빛상사", pair[0].deposit_amount)
    )
    statement = DepositStatement.objects.get()
    assert response.redirect_chain[-1][0] == f"{STATEMENTS}{statement.pk}/change/"
    assert (statement.site.slug, statement.uploaded_by, statement.file_name) == (
        "onnuri-biz",
        operator,
        "bank.csv",
    )
    assert list(statement.rows.values_list("status", flat=True)) == ["proposed", "ambiguous"]
    assert [m.level_tag for m in response.context["messages"]] == ["success"]
    html = response.content.decode()
    assert "한빛상사" in html and f"#{single.pk}" in html
    assert set(Purchase.objects.values_list("status", flat=True)) == {"pending"}


def test_an_unreadable_statement_is_an_error_message_and_stores_nothing(operator):
    client = client_for(operator)
    bad = SimpleUploadedFile("bank.csv", "날짜,이름,금액\n1,2,3".encode(), "text/csv")
    response = client.post(UPLOAD, {"file": bad}, follow=True)
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert not DepositStatement.objects.exists()


def test_the_list_action_confirms_proposed_rows_and_skips_the_others(operator, master, purchases):
    single, pair = purchases
    client = client_for(operator)
    upload(
        client,
        ("한빛상사", single.deposit_amount),
        ("한빛상사", pair[0].deposit_amount),
        ("홍길동", 5_000),
    )
    rows = list(DepositStatementRow.objects.order_by("number"))
    response = client.post(
        ROWS, {"action": "confirm_proposed", "_selected_action": [r.pk for r in rows]}, follow=True
    )
    assert response.status_code == 200
    levels = sorted(m.level_tag for m in response.context["messages"])
    assert levels == ["success", "warning", "warning"]
    single.refresh_from_db()
    assert single.status == "approved" and single.approved_by == operator
    assert {p.status for p in Purchase.objects.exclude(pk=single.pk)} == {"pending"}
    assert PurchaseEvent.objects.get(purchase=single, type="deposit_matched").actor == operator
    rows[0].refresh_from_db()
    assert rows[0].status == "confirmed" and rows[0].confirmed_purchase == single

    # The same row again: the service refuses it, the admin says so.
    again = client.post(
        ROWS, {"action": "confirm_proposed", "_selected_action": [rows[0].pk]}, follow=True
    )
    # A confirmed row is not a proposal any more: skipped before reaching the service.
    assert [m.level_tag for m in again.context["messages"]] == ["warning"]
    assert PurchaseEvent.objects.filter(purchase=single, type="approved").count() == 1


def test_a_refusal_of_the_service_is_shown_as_an_error(operator, master):
    big = request(master, 10_000_000)  # needs its documents before approval
    client = client_for(operator)
    upload(client, ("한빛상사", big.deposit_amount))
    row = DepositStatementRow.objects.get()
    response = client.post(
        ROWS, {"action": "confirm_proposed", "_selected_action": [row.pk]}, follow=True
    )
    messages = shown_messages(response)
    assert len(messages) == 1 and "bank.csv" in messages[0]
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    big.refresh_from_db()
    assert big.status == "pending"


def test_an_ambiguous_row_is_confirmed_on_its_page_with_the_chosen_candidate(operator, purchases):
    _, pair = purchases
    client = client_for(operator)
    upload(client, ("한빛상사", pair[0].deposit_amount))
    row = DepositStatementRow.objects.get()
    page = client.get(f"{ROWS}{row.pk}/change/")
    assert page.status_code == 200
    confirm_url = f"{ROWS}{row.pk}/confirm/{pair[1].pk}/"
    html = page.content.decode()
    assert confirm_url in html and f"{ROWS}{row.pk}/confirm/{pair[0].pk}/" in html
    assert client.get(confirm_url).status_code == 200  # asks first
    response = client.post(confirm_url, follow=True)
    assert response.redirect_chain[-1][0] == f"{ROWS}{row.pk}/change/"
    assert [m.level_tag for m in response.context["messages"]] == ["success"]
    statuses = {p.pk: p.status for p in Purchase.objects.filter(pk__in=[p.pk for p in pair])}
    assert statuses == {pair[0].pk: "pending", pair[1].pk: "approved"}


def test_statements_and_rows_are_read_only(operator, purchases):
    single, _ = purchases
    client = client_for(operator)
    upload(client, ("한빛상사", single.deposit_amount))
    statement = DepositStatement.objects.get()
    row = statement.rows.get()
    page = client.get(f"{STATEMENTS}{statement.pk}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    posted = client.post(f"{ROWS}{row.pk}/change/", {"status": "confirmed"})
    assert posted.status_code == 403
    row.refresh_from_db()
    assert row.status == "proposed"
    assert client.get(f"{STATEMENTS}add/").status_code == 403


def test_an_operator_of_another_site_reaches_none_of_it(master, purchases):
    single, _ = purchases
    upload(client_for(operator_of("onnuri-biz")), ("한빛상사", single.deposit_amount))
    row = DepositStatementRow.objects.get()
    other = client_for(operator_of("yongin-library", username="operator2"))
    for url in (STATEMENTS, UPLOAD, ROWS, f"{ROWS}{row.pk}/confirm/{single.pk}/"):
        response = other.post(url, {"action": "confirm_proposed", "_selected_action": [row.pk]})
        assert response.status_code == 403, url
    single.refresh_from_db()
    assert single.status == "pending"


def test_the_superuser_chooses_the_site_of_an_upload(purchases):
    single, _ = purchases
    root = Member.objects.create_superuser("root", "Root!Pass42")
    client = client_for(root)
    site = Corporate.objects.get(pk=single.corporate_id).site
    response = client.post(
        UPLOAD,
        {"file": statement_file(("한빛상사", single.deposit_amount)), "site": site.pk},
        follow=True,
    )
    assert response.status_code == 200
    statement = DepositStatement.objects.get()
    assert statement.site == site and statement.rows.get().status == "proposed"
