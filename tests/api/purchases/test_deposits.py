"""Deposit matching over HTTP: staff upload the receiving account's statement, the server
proposes a pending purchase per row, staff confirm; approval goes through purchase_approve
(SPEC §7.3)."""

import datetime as dt
import io

import openpyxl
import pytest
import time_machine
from django.utils import timezone

from domain.messaging.backends import locmem
from domain.purchases.models import DepositStatement, DepositStatementRow, Purchase, PurchaseEvent
from domain.purchases.services import purchase_request
from tests.conftest import bearer_for, error_codes
from tests.factories.corporates import business_number, corporate_with_master, manager_create
from tests.factories.spreadsheets import STATEMENT_HEADER, cell, raw_xlsx

pytestmark = pytest.mark.django_db

SITE = "onnuri-biz"
URL = f"/api/v1/sites/{SITE}/purchases/deposits/"
CONFIRM = f"{URL}confirm/"
TEMPLATE = f"{URL}template/"
Status = Purchase.Status
HEADER = "거래일시,입금자명,입금액"


def seoul(*args):
    return dt.datetime(*args, tzinfo=timezone.get_current_timezone())


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    locmem.outbox.clear()
    yield
    locmem.outbox.clear()


def company(name: str, *, username: str, business_number: str):
    """A master of an approved company called `name` whose account in use is held by `name`."""
    master = corporate_with_master(username=username, business_number=business_number)
    corporate = master.corporate
    corporate.name = name
    corporate.save(update_fields=["name"])
    corporate.bank_accounts.update(holder=name)
    return master


@pytest.fixture
def hanbit():
    return company("(주)한빛상사", username="hanbit01", business_number="1248100998")


@pytest.fixture
def nuri():
    return company("㈜누리 테크", username="nuritech1", business_number="2208162517")


@pytest.fixture
def staff(member_factory, site_of):
    return member_factory(site=site_of(SITE), username="operator3x", staff=True)


def request_at(manager, amount: int, at: dt.datetime) -> Purchase:
    with time_machine.travel(at, tick=False):
        return purchase_request(manager=manager, amount=amount)


def csv_file(lines: list[str], *, encoding="utf-8", name="statement.csv") -> io.BytesIO:
    file = io.BytesIO("\n".join(lines).encode(encoding))
    file.name = name
    return file


def xlsx_file(rows: list[list], name="statement.xlsx") -> io.BytesIO:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    file = io.BytesIO()
    book.save(file)
    file.seek(0)
    file.name = name
    return file


def upload(api, member, file, **headers):
    return api.post(URL, {"file": file}, format="multipart", **bearer_for(member), **headers)


def confirm(api, member, matches):
    return api.post(CONFIRM, {"matches": matches}, format="json", **bearer_for(member))


def rows_by_depositor(body) -> dict[str, dict]:
    return {row["depositor"]: row for row in body["rows"]}


@pytest.fixture
def four_rows(hanbit, nuri):
    """The Done-when statement: an exact match, an ambiguous pair (two pending purchases of equal
    amount of one company), an unknown depositor and a wrong amount."""
    exact = request_at(hanbit, 1_000_000, seoul(2026, 11, 25, 9, 0))
    pair = [request_at(nuri, 2_000_000, seoul(2026, 11, 25, 9, 5 + i)) for i in range(2)]
    lines = [
        HEADER,
        f"2026-11-25 10:00:00,한빛상사,{exact.deposit_amount}",
        f"2026-11-25 10:01:00,누리테크,{pair[0].deposit_amount}",
        f"2026-11-25 10:02:00,홍길동,{exact.deposit_amount}",
        f'2026-11-25 10:03:00,(주)한빛상사,"{exact.deposit_amount + 1_000:,}"',
    ]
    return exact, pair, lines


# --- upload and proposals ----------------------------------------------------------------------


def test_a_statement_yields_one_proposal_one_ambiguity_and_two_unmatched_rows(
    api, staff, four_rows
):
    exact, pair, lines = four_rows
    response = upload(api, staff, csv_file(lines))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["file_name"] == "statement.csv"
    assert body["counts"] == {"proposed": 1, "ambiguous": 1, "unmatched": 2, "confirmed": 0}
    assert body["errors"] == []
    rows = body["rows"]
    assert [row["number"] for row in rows] == [2, 3, 4, 5]
    assert [row["status"] for row in rows] == ["proposed", "ambiguous", "unmatched", "unmatched"]
    proposed, ambiguous, unknown, wrong_amount = rows
    assert proposed["proposed_purchase"]["id"] == exact.pk
    assert [c["id"] for c in proposed["candidates"]] == [exact.pk]
    assert proposed["deposited_at"] == "2026-11-25T10:00:00+09:00"
    assert proposed["amount"] == exact.deposit_amount
    assert ambiguous["proposed_purchase"] is None
    assert sorted(c["id"] for c in ambiguous["candidates"]) == sorted(p.pk for p in pair)
    assert {c["corporate_name"] for c in ambiguous["candidates"]} == {"㈜누리 테크"}
    assert unknown["reason"] == "depositor_not_matching" and unknown["candidates"] == []
    assert wrong_amount["reason"] == "no_purchase_with_amount"
    assert wrong_amount["amount"] == exact.deposit_amount + 1_000
    # Proposals only: nothing is approved by the upload.
    assert set(Purchase.objects.values_list("status", flat=True)) == {Status.PENDING}
    assert not PurchaseEvent.objects.exclude(type="requested").exists()


def test_confirming_approves_exactly_the_confirmed_purchase_and_a_row_once(
    api, staff, hanbit, four_rows, django_capture_on_commit_callbacks
):
    exact, pair, lines = four_rows
    rows = upload(api, staff, csv_file(lines)).json()["rows"]
    with django_capture_on_commit_callbacks(execute=True):
        response = confirm(api, staff, [{"row": rows[0]["id"], "purchase": exact.pk}])
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["approved"] == 1 and body["refused"] == 0
    assert body["results"] == [
        {
            "row": rows[0]["id"],
            "purchase": exact.pk,
            "result": "approved",
            "code": None,
            "detail": None,
            "purchase_status": "approved",
        }
    ]
    assert Purchase.objects.get(pk=exact.pk).status == Status.APPROVED
    assert Purchase.objects.get(pk=exact.pk).balance == exact.amount
    assert {p.status for p in Purchase.objects.exclude(pk=exact.pk)} == {Status.PENDING}
    assert [m.to for m in locmem.outbox] == [hanbit.member.mobile]  # the approval's SMS
    events = PurchaseEvent.objects.filter(purchase=exact).order_by("id")
    types = list(events.values_list("type", flat=True))
    assert types == ["requested", "approved", "deposit_matched"]
    matched = PurchaseEvent.objects.get(purchase=exact, type="deposit_matched")
    assert matched.actor == staff and matched.parameters["row"] == rows[0]["id"]
    row = DepositStatementRow.objects.get(pk=rows[0]["id"])
    assert (row.status, row.confirmed_purchase_id, row.confirmed_by) == (
        "confirmed",
        exact.pk,
        staff,
    )

    again = confirm(api, staff, [{"row": rows[0]["id"], "purchase": exact.pk}])
    assert again.status_code == 200
    assert again.json()["approved"] == 0 and again.json()["refused"] == 1
    result = again.json()["results"][0]
    assert result["result"] == "refused" and result["code"] == "row_already_used"
    assert result["detail"]
    assert PurchaseEvent.objects.filter(purchase=exact, type="approved").count() == 1

    statement = DepositStatement.objects.get()
    shown = api.get(f"{URL}{statement.pk}/", **bearer_for(staff)).json()
    assert shown["counts"]["confirmed"] == 1
    assert shown["rows"][0]["status"] == "confirmed"
    assert shown["rows"][0]["confirmed_purchase"] == exact.pk


def test_an_ambiguous_row_is_confirmed_with_the_candidate_staff_choose(api, staff, four_rows):
    exact, pair, lines = four_rows
    ambiguous = upload(api, staff, csv_file(lines)).json()["rows"][1]
    chosen = pair[1]
    response = confirm(api, staff, [{"row": ambiguous["id"], "purchase": chosen.pk}])
    assert response.json()["results"][0]["result"] == "approved"
    assert Purchase.objects.get(pk=chosen.pk).status == Status.APPROVED
    assert Purchase.objects.get(pk=pair[0].pk).status == Status.PENDING


def test_confirm_refusals_are_coded_per_item(api, staff, hanbit, four_rows):
    exact, pair, lines = four_rows
    rows = upload(api, staff, csv_file(lines)).json()["rows"]
    big = request_at(hanbit, 10_000_000, seoul(2026, 11, 25, 9, 30))
    big_lines = [HEADER, f"2026-11-25 11:00,한빛상사,{big.deposit_amount}"]
    big_row = upload(api, staff, csv_file(big_lines)).json()["rows"][0]
    assert big_row["status"] == "proposed"
    cancelled = request_at(hanbit, 3_000_000, seoul(2026, 11, 25, 9, 40))
    cancel_lines = [HEADER, f"2026-11-25 11:00,한빛상사,{cancelled.deposit_amount}"]
    cancel_row = upload(api, staff, csv_file(cancel_lines)).json()["rows"][0]
    api.post(f"/api/v1/sites/{SITE}/purchases/{cancelled.pk}/cancel/", **bearer_for(hanbit.member))
    response = confirm(
        api,
        staff,
        [
            {"row": rows[0]["id"], "purchase": pair[0].pk},  # not this row's purchase
            {"row": rows[2]["id"], "purchase": exact.pk},  # an unmatched row
            {"row": big_row["id"], "purchase": big.pk},  # ≥ 10,000,000: documents first
            {"row": cancel_row["id"], "purchase": cancelled.pk},  # no longer pending
            {"row": 999_999, "purchase": exact.pk},  # no such row
            {"row": rows[0]["id"], "purchase": exact.pk},  # fine: its own transaction
        ],
    )
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["code"] for r in results] == [
        "purchase_not_a_candidate",
        "deposit_row_unmatched",
        "documents_missing",
        "invalid_transition",
        "deposit_row_not_found",
        None,
    ]
    assert response.json()["approved"] == 1 and response.json()["refused"] == 5
    assert set(Purchase.objects.filter(status=Status.APPROVED)) == {exact}
    assert DepositStatementRow.objects.get(pk=big_row["id"]).status == "proposed"


def test_a_deposit_before_the_request_does_not_match(api, staff, hanbit):
    purchase = request_at(hanbit, 1_000_000, seoul(2026, 11, 25, 10, 0))
    lines = [
        HEADER,
        f"2026-11-25 09:59:59,한빛상사,{purchase.deposit_amount}",
        f"2026-11-25 10:00:00,한빛상사,{purchase.deposit_amount}",
    ]
    rows = upload(api, staff, csv_file(lines)).json()["rows"]
    assert (rows[0]["status"], rows[0]["reason"]) == ("unmatched", "deposited_before_request")
    assert rows[1]["status"] == "proposed"


def test_the_account_holder_also_matches_the_depositor(api, staff, hanbit):
    hanbit.corporate.bank_accounts.update(holder="김대표 한빛")
    purchase = request_at(hanbit, 1_000_000, seoul(2026, 11, 25, 10, 0))
    lines = [HEADER, f"2026-11-25 11:00,김대표한빛,{purchase.deposit_amount}"]
    row = upload(api, staff, csv_file(lines)).json()["rows"][0]
    assert row["status"] == "proposed" and row["proposed_purchase"]["id"] == purchase.pk


def test_two_companies_whose_names_collide_are_ambiguous(api, staff, hanbit):
    twin = company("한빛상사 주식회사", username="twinmaster", business_number="1208147521")
    first = request_at(hanbit, 1_000_000, seoul(2026, 11, 25, 9, 0))
    second = request_at(twin, 1_000_000, seoul(2026, 11, 25, 9, 0))
    assert first.deposit_amount == second.deposit_amount
    lines = [HEADER, f"2026-11-25 11:00,한빛상사,{first.deposit_amount}"]
    row = upload(api, staff, csv_file(lines)).json()["rows"][0]
    assert row["status"] == "ambiguous"
    assert sorted(c["id"] for c in row["candidates"]) == sorted([first.pk, second.pk])


# --- truncated depositor names: prefix matches (README "Purchases: deposit matching") ----------


def test_a_truncated_depositor_matches_by_prefix_and_the_row_says_so(api, staff, hanbit):
    """Banks cut depositor names (often to 7 characters): `(주)온누리상` for `(주)온누리상사유통`
    is `온누리상`, a prefix of 4 characters (the least taken) of the normalised name."""
    long = company("(주)온누리상사유통", username="onnuri01", business_number=business_number(1))
    truncated = request_at(long, 1_000_000, seoul(2026, 11, 25, 9, 0))
    exact = request_at(hanbit, 2_000_000, seoul(2026, 11, 25, 9, 0))
    lines = [
        HEADER,
        f"2026-11-25 10:00,(주)온누리상,{truncated.deposit_amount}",
        f"2026-11-25 10:01,한빛상사,{exact.deposit_amount}",
        f"2026-11-25 10:02,홍길동,{exact.deposit_amount}",
    ]
    prefix, full, unknown = upload(api, staff, csv_file(lines)).json()["rows"]
    assert (prefix["status"], prefix["name_match"]) == ("proposed", "prefix")
    assert prefix["proposed_purchase"]["id"] == truncated.pk
    assert prefix["name_match_label"] == "앞부분 일치 (잘린 입금자명)"
    assert (full["status"], full["name_match"]) == ("proposed", "exact")
    assert (unknown["status"], unknown["name_match"]) == ("unmatched", "")
    assert DepositStatementRow.objects.get(pk=prefix["id"]).name_match == "prefix"

    # The operator confirms it like any proposal.
    response = confirm(api, staff, [{"row": prefix["id"], "purchase": truncated.pk}])
    assert response.json()["results"][0]["result"] == "approved"


def test_an_exact_name_wins_over_prefix_matches_of_the_same_amount(api, staff, hanbit):
    longer = company("한빛상사유통", username="hanbit02", business_number=business_number(2))
    named = request_at(hanbit, 1_000_000, seoul(2026, 11, 25, 9, 0))
    request_at(longer, 1_000_000, seoul(2026, 11, 25, 9, 0))
    lines = [HEADER, f"2026-11-25 11:00,한빛상사,{named.deposit_amount}"]
    row = upload(api, staff, csv_file(lines)).json()["rows"][0]
    assert (row["status"], row["name_match"]) == ("proposed", "exact")
    assert [c["id"] for c in row["candidates"]] == [named.pk]


def test_two_prefix_candidates_of_the_same_amount_are_ambiguous(api, staff):
    trading = company("온누리상사유통", username="onnuri02", business_number=business_number(3))
    building = company("㈜온누리상사건설", username="onnuri03", business_number=business_number(4))
    first = request_at(trading, 1_000_000, seoul(2026, 11, 25, 9, 0))
    second = request_at(building, 1_000_000, seoul(2026, 11, 25, 9, 1))
    lines = [HEADER, f"2026-11-25 11:00,온누리상사,{first.deposit_amount}"]
    row = upload(api, staff, csv_file(lines)).json()["rows"][0]
    assert (row["status"], row["name_match"]) == ("ambiguous", "prefix")
    assert [c["id"] for c in row["candidates"]] == [first.pk, second.pk]


def test_a_depositor_of_fewer_than_4_characters_is_no_prefix(api, staff, hanbit):
    purchase = request_at(hanbit, 1_000_000, seoul(2026, 11, 25, 9, 0))
    lines = [HEADER, f"2026-11-25 11:00,(주)한빛상,{purchase.deposit_amount}"]  # 한빛상: 3
    row = upload(api, staff, csv_file(lines)).json()["rows"][0]
    assert (row["status"], row["reason"], row["name_match"]) == (
        "unmatched",
        "depositor_not_matching",
        "",
    )


def test_a_prefix_match_requested_after_the_deposit_does_not_match(api, staff):
    later = company("온누리상사유통", username="onnuri04", business_number=business_number(5))
    purchase = request_at(later, 1_000_000, seoul(2026, 11, 25, 12, 0))
    lines = [HEADER, f"2026-11-25 11:00,온누리상사,{purchase.deposit_amount}"]
    row = upload(api, staff, csv_file(lines)).json()["rows"][0]
    assert (row["status"], row["reason"]) == ("unmatched", "deposited_before_request")


def test_an_xlsx_statement_with_datetime_cells_and_korean_headers(api, staff, hanbit):
    purchase = request_at(hanbit, 1_000_000, seoul(2026, 11, 25, 9, 0))
    rows = [
        ["케이뱅크 입출금내역"],  # a title row above the header
        ["거래일시", "입금자명", "입금액", "메모"],
        [dt.datetime(2026, 11, 25, 10, 30), "㈜한빛상사", purchase.deposit_amount, "x"],
        [None, None, None, None],  # blank rows are skipped
        ["2026.11.25 10:31:00", "홍길동", 5_000],
    ]
    response = upload(api, staff, xlsx_file(rows))
    assert response.status_code == 201, response.content
    body = response.json()
    assert [r["number"] for r in body["rows"]] == [3, 5]
    assert body["rows"][0]["status"] == "proposed"
    assert body["rows"][0]["deposited_at"] == "2026-11-25T10:30:00+09:00"
    assert body["rows"][1]["deposited_at"] == "2026-11-25T10:31:00+09:00"


def test_a_cp949_csv_with_english_headers_is_read(api, staff, hanbit):
    purchase = request_at(hanbit, 1_000_000, seoul(2026, 11, 25, 9, 0))
    lines = [
        "deposited_at,depositor,amount",
        f"2026/11/25 10:30,(주)한빛상사,{purchase.deposit_amount}원",
    ]
    file = csv_file(lines, encoding="cp949")
    with pytest.raises(UnicodeDecodeError):
        file.getvalue().decode("utf-8")
    row = upload(api, staff, file).json()["rows"][0]
    assert row["depositor"] == "(주)한빛상사" and row["status"] == "proposed"


def test_a_utf8_csv_with_a_bom_is_read(api, staff, hanbit):
    purchase = request_at(hanbit, 1_000_000, seoul(2026, 11, 25, 9, 0))
    lines = [HEADER, f"2026-11-25T10:30:00+09:00,한빛상사,{purchase.deposit_amount}"]
    response = upload(api, staff, csv_file(lines, encoding="utf-8-sig"))
    assert response.status_code == 201
    assert response.json()["rows"][0]["status"] == "proposed"


def test_bad_rows_are_reported_with_row_column_and_code(api, staff):
    lines = [
        HEADER,
        "2026-11-25 10:00,한빛상사,12.5",
        "2026-11-25 10:00,한빛상사,-1000",
        "어제,한빛상사,1000",
        "2026-11-25 10:00,,1000",
        "2026-11-25 10:00,한빛상사,1000",
    ]
    response = upload(api, staff, csv_file(lines))
    assert response.status_code == 201
    body = response.json()
    assert [(e["row"], e["column"], e["code"]) for e in body["errors"]] == [
        (2, "amount", "invalid_amount"),
        (3, "amount", "invalid_amount"),
        (4, "deposited_at", "invalid_datetime"),
        (5, "depositor", "required"),
    ]
    assert all(e["detail"] for e in body["errors"])
    assert [row["number"] for row in body["rows"]] == [6]
    shown = api.get(f"{URL}{body['id']}/", **bearer_for(staff)).json()
    assert shown["errors"] == body["errors"]


@pytest.mark.parametrize(
    "content,code",
    [
        ("날짜,이름,금액\n2026-11-25 10:00,한빛상사,1000", "statement_header_missing"),
        (HEADER, "statement_empty"),
        ("", "file_empty"),
    ],
)
def test_a_file_without_a_header_or_rows_is_a_coded_400(api, staff, content, code):
    response = upload(api, staff, csv_file([content]))
    assert response.status_code == 400
    assert error_codes(response) == [code]
    assert not DepositStatement.objects.exists()


def test_other_file_types_are_refused(api, staff):
    file = io.BytesIO(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)  # a legacy .xls
    file.name = "statement.xls"
    response = upload(api, staff, file)
    assert response.status_code == 400
    assert error_codes(response) == ["unsupported_file_type"]


def test_the_rows_and_the_size_are_capped(api, staff, settings):
    settings.DEPOSIT_STATEMENT_MAX_ROWS = 3
    lines = [HEADER] + [f"2026-11-25 10:00,한빛상사,{1000 * i}" for i in range(1, 5)]
    response = upload(api, staff, csv_file(lines))
    assert response.status_code == 400
    assert error_codes(response) == ["statement_too_many_rows"]
    assert upload(api, staff, csv_file(lines[:4])).status_code == 201
    settings.DEPOSIT_STATEMENT_MAX_BYTES = 40
    response = upload(api, staff, csv_file(lines[:4]))
    assert error_codes(response) == ["file_too_large"]


def test_an_idempotent_retry_of_an_upload_replays_the_first_statement(api, staff, hanbit):
    purchase = request_at(hanbit, 1_000_000, seoul(2026, 11, 25, 9, 0))
    lines = [HEADER, f"2026-11-25 10:30,한빛상사,{purchase.deposit_amount}"]
    first = upload(api, staff, csv_file(lines), HTTP_IDEMPOTENCY_KEY="statement-1")
    again = upload(api, staff, csv_file(lines), HTTP_IDEMPOTENCY_KEY="statement-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    # Same name and size, other content: another request.
    other = [HEADER, f"2026-11-25 10:31,한빛상사,{purchase.deposit_amount}"]
    refused = upload(api, staff, csv_file(other), HTTP_IDEMPOTENCY_KEY="statement-1")
    assert refused.status_code == 409 and error_codes(refused) == ["idempotency_key_reused"]
    assert DepositStatement.objects.count() == 1


# --- list, detail and template -----------------------------------------------------------------


def test_statements_are_listed_newest_first_with_their_counts(api, staff, four_rows):
    _, _, lines = four_rows
    first = upload(api, staff, csv_file(lines, name="first.csv")).json()
    second = upload(api, staff, csv_file(lines[:2], name="second.csv")).json()
    body = api.get(URL, **bearer_for(staff)).json()
    assert [s["id"] for s in body["results"]] == [second["id"], first["id"]]
    assert body["results"][1]["counts"] == first["counts"]
    assert body["results"][0]["uploaded_by"] == staff.username
    assert "rows" not in body["results"][0]


def test_the_list_and_the_detail_cost_the_same_queries_whatever_their_size(api, staff, hanbit):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    purchases = [request_at(hanbit, 1_000 * (i + 1), seoul(2026, 11, 25, 9, 0)) for i in range(3)]

    def statement(size):
        lines = [HEADER] + [
            f"2026-11-25 10:00,한빛상사,{purchases[i % 3].deposit_amount}" for i in range(size)
        ]
        return upload(api, staff, csv_file(lines)).json()["id"]

    small, large = statement(2), statement(30)
    for _ in range(12):
        statement(1)
    api.get(URL, **bearer_for(staff))  # warm the per-process caches (the site)
    counts = []
    for url, params in [
        (f"{URL}{small}/", {}),
        (f"{URL}{large}/", {}),
        (URL, {"page_size": 2}),
        (URL, {"page_size": 14}),
    ]:
        with CaptureQueriesContext(connection) as queries:
            assert api.get(url, params, **bearer_for(staff)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] and counts[2] == counts[3]


def test_the_template_is_an_xlsx_with_the_headers_and_an_example(api, staff):
    response = api.get(TEMPLATE, **bearer_for(staff))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "attachment" in response["Content-Disposition"]
    # Like every download (api.files): never sniffed, answered whatever Accept says.
    assert response["X-Content-Type-Options"] == "nosniff"
    assert api.get(TEMPLATE, HTTP_ACCEPT="text/csv", **bearer_for(staff)).status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[0][:3] == ("거래일시", "입금자명", "입금액")
    assert isinstance(rows[1][2], int) and rows[1][1]
    assert len(book.worksheets) == 2  # the second sheet explains the columns and the rules
    # The template itself, filled in, is a valid statement.
    filled = io.BytesIO(b"".join(api.get(TEMPLATE, **bearer_for(staff)).streaming_content))
    filled.name = "template.xlsx"
    uploaded = upload(api, staff, filled)
    assert uploaded.status_code == 201 and len(uploaded.json()["rows"]) == 1


# --- who may --------------------------------------------------------------------------------


ENDPOINTS = [
    ("get", URL),
    ("post", URL),
    ("get", TEMPLATE),
    ("post", CONFIRM),
    ("get", "{statement}"),
]


@pytest.mark.parametrize("method,url", ENDPOINTS)
@pytest.mark.parametrize("caller", ["master", "general", "other_site", "anonymous"])
def test_only_staff_reach_deposit_matching(
    api, staff, hanbit, member_factory, site_of, method, url, caller
):
    purchase = request_at(hanbit, 1_000_000, seoul(2026, 11, 25, 9, 0))
    lines = [HEADER, f"2026-11-25 10:30,한빛상사,{purchase.deposit_amount}"]
    statement = upload(api, staff, csv_file(lines)).json()
    url = url.format(statement=f"{URL}{statement['id']}/")
    headers = {}
    if caller == "master":
        headers = bearer_for(hanbit.member)
    elif caller == "general":
        headers = bearer_for(
            manager_create(corporate=hanbit.corporate, username="general07").member
        )
    elif caller == "other_site":
        headers = bearer_for(
            member_factory(site=site_of("incheon-water"), username="waterstaff1", staff=True)
        )
    data = {}
    if method == "post" and url == URL:
        data = {"file": csv_file(lines)}
    elif method == "post":
        data = {"matches": [{"row": statement["rows"][0]["id"], "purchase": purchase.pk}]}
    response = getattr(api, method)(
        url, data, format="multipart" if "file" in data else "json", **headers
    )
    if caller == "anonymous":
        assert response.status_code == 401
    else:  # another site's staff: their token is not this site's (401) or they are no one here
        assert response.status_code in ((401, 404) if caller == "other_site" else (404,))
    assert Purchase.objects.get(pk=purchase.pk).status == Status.PENDING
    assert DepositStatement.objects.count() == 1


def test_the_documented_confirm_refusals_are_what_confirming_a_pair_can_raise():
    """The per-pair codes of the confirm answer (its `code` enum in schema.yml) are exactly what
    deposit_row_confirm and the purchase_approve below it can raise."""
    from domain.purchases.deposits import CONFIRM_REFUSALS, deposit_row_confirm
    from tests.codegraph import CodeGraph, function_node

    reached = CodeGraph().reachable([function_node(deposit_row_confirm)])
    assert reached == set(CONFIRM_REFUSALS)


def test_a_depositor_with_a_control_character_is_a_row_problem_and_nothing_breaks(api, staff):
    """A NUL (PostgreSQL keeps none; an xlsx cell's `_x0000_` reads as one) or another control
    character in a statement's depositor is left out as a row problem, like any unreadable
    value; the other rows are kept."""
    rows = [
        list(STATEMENT_HEADER),
        ["2026-11-25 10:00", "한빛_x0000_상사", 1000],
        ["2026-11-25 10:01", "누리\x0b테크", 2000],
        ["2026-11-25 10:02", "홍길동", 3000],
    ]
    response = upload(api, staff, io.BytesIO(raw_statement(rows)))
    assert response.status_code == 201, response.content
    body = response.json()
    assert [(e["row"], e["column"], e["code"]) for e in body["errors"]] == [
        (2, "depositor", "invalid_characters"),
        (3, "depositor", "invalid_characters"),
    ]
    assert [row["depositor"] for row in body["rows"]] == ["홍길동"]


def raw_statement(rows: list[list]) -> bytes:
    """An xlsx whose strings are written as they are (openpyxl refuses control characters)."""
    xml = "".join(
        f'<row r="{n}">'
        + "".join(cell(f"{chr(65 + i)}{n}", value) for i, value in enumerate(row))
        + "</row>"
        for n, row in enumerate(rows, start=1)
    )
    return raw_xlsx(xml.replace("\x0b", "&#11;"))
