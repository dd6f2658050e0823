"""Deposit matching services: name normalisation, statement parsing, and confirmation under
concurrency (SPEC §7.3)."""

import datetime as dt
import io

import pytest
import time_machine
from django.utils import timezone

from domain.corporates.models import Corporate
from domain.purchases.deposits import (
    deposit_matches_confirm,
    deposit_row_confirm,
    deposit_statement_upload,
)
from domain.purchases.matching import PREFIX_MIN_LENGTH, name_match, normalise_name
from domain.purchases.models import DepositStatementRow, Purchase, PurchaseEvent
from domain.purchases.services import purchase_request
from domain.purchases.statements import TEMPLATE_GUIDE, StatementRowErrorCode, statement_read
from tests.concurrency import run_concurrently
from tests.factories.corporates import corporate_with_master
from tests.factories.members import MemberFactory

Status = Purchase.Status
SEOUL = timezone.get_current_timezone()


@pytest.mark.parametrize(
    "name,key",
    [
        ("(주)한빛상사", "한빛상사"),
        ("㈜한빛상사", "한빛상사"),
        ("（주）한빛 상사", "한빛상사"),  # full-width brackets (NFKC)
        ("주식회사 한빛상사", "한빛상사"),
        ("한빛상사 주식회사", "한빛상사"),
        ("한빛상사(주)", "한빛상사"),
        ("유한회사 한빛", "한빛"),
        ("(유)한빛", "한빛"),
        ("㈲한빛", "한빛"),
        ("사단법인 한빛", "한빛"),
        ("Hanbit Trading Co., Ltd.", "hanbittrading"),
        ("HANBIT Inc.", "hanbit"),
        ("ＨＡＮＢＩＴ", "hanbit"),  # full-width letters (NFKC), case folded
        ("  홍 길 동 ", "홍길동"),
    ],
)
def test_names_are_normalised_for_spaces_legal_forms_width_and_case(name, key):
    assert normalise_name(name) == key


def test_a_name_that_is_only_a_legal_form_normalises_to_nothing():
    assert normalise_name("(주)") == ""


@pytest.mark.parametrize(
    "depositor,names,match",
    [
        ("한빛상사", {"한빛상사", "김대표"}, "exact"),
        ("온누리상사", {"온누리상사유통", "김대표"}, "prefix"),
        ("김대표한빛", {"온누리", "김대표한빛상사"}, "prefix"),  # the account holder, cut
        ("한빛상", {"한빛상사"}, ""),  # under PREFIX_MIN_LENGTH
        ("한빛상사유통", {"한빛상사"}, ""),  # longer than the name: not a cut-off name
        ("", {""}, ""),
    ],
)
def test_a_depositor_matches_a_name_exactly_or_as_its_start(depositor, names, match):
    assert PREFIX_MIN_LENGTH == 4
    assert name_match(depositor, names) == match


def test_the_templates_rules_give_the_prefix_length():
    rules = " ".join(text for _, _, text in TEMPLATE_GUIDE)
    assert f"{PREFIX_MIN_LENGTH}자 이상" in rules


def read(text: str, *, encoding="utf-8", max_rows=5000, max_bytes=5_000_000):
    file = io.BytesIO(text.encode(encoding))
    return statement_read(file, max_rows=max_rows, max_bytes=max_bytes)


@pytest.mark.parametrize(
    "value,expected",
    [
        ("2026-11-25 10:30:05", dt.datetime(2026, 11, 25, 10, 30, 5, tzinfo=SEOUL)),
        ("2026-11-25 10:30", dt.datetime(2026, 11, 25, 10, 30, tzinfo=SEOUL)),
        ("2026.11.25 10:30:05", dt.datetime(2026, 11, 25, 10, 30, 5, tzinfo=SEOUL)),
        ("2026/11/25 10:30", dt.datetime(2026, 11, 25, 10, 30, tzinfo=SEOUL)),
        ("2026-11-25T01:30:00+00:00", dt.datetime(2026, 11, 25, 10, 30, tzinfo=SEOUL)),
        ("2026-11-25 10:30:00+09:00", dt.datetime(2026, 11, 25, 10, 30, tzinfo=SEOUL)),
    ],
)
def test_date_times_are_read_as_asia_seoul(value, expected):
    parsed = read(f"거래일시,입금자명,입금액\n{value},한빛,1000")
    assert parsed.problems == []
    assert parsed.lines[0].deposited_at == expected
    assert parsed.lines[0].deposited_at.utcoffset() == dt.timedelta(hours=9)


@pytest.mark.parametrize("value", ["2026-11-25", "25/11/2026 10:30", "10:30", "어제 10시"])
def test_a_bare_date_or_another_format_is_a_row_problem(value):
    parsed = read(f"거래일시,입금자명,입금액\n{value},한빛,1000")
    assert [(p.column, p.code) for p in parsed.problems] == [
        ("deposited_at", StatementRowErrorCode.INVALID_DATETIME)
    ]


def test_a_zip_archive_that_is_not_a_workbook_is_refused():
    import zipfile

    from domain.common.errors import DomainError

    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("word/document.xml", "<w:document/>")
    archive.seek(0)
    with pytest.raises(DomainError) as refused:
        statement_read(archive, max_rows=10, max_bytes=1_000_000)
    assert refused.value.code == "unsupported_file_type"


@pytest.mark.parametrize(
    "amount,expected",
    [("1000", 1000), ("1,900,000", 1_900_000), ("1,900,000원", 1_900_000), (" 950000 ", 950_000)],
)
def test_amounts_are_whole_won(amount, expected):
    parsed = read(f'거래일시,입금자명,입금액\n2026-11-25 10:00,한빛,"{amount}"')
    assert [line.amount for line in parsed.lines] == [expected]


@pytest.mark.parametrize("amount", ["0", "-1000", "12.5", "1e3", "천원", "1,00,0.5"])
def test_other_amounts_are_row_problems(amount):
    parsed = read(f'거래일시,입금자명,입금액\n2026-11-25 10:00,한빛,"{amount}"')
    assert parsed.lines == []
    assert [(p.row, p.column, p.code) for p in parsed.problems] == [
        (2, "amount", StatementRowErrorCode.INVALID_AMOUNT)
    ]


def test_a_depositor_longer_than_the_column_is_a_row_problem():
    parsed = read(f"거래일시,입금자명,입금액\n2026-11-25 10:00,{'가' * 101},1000")
    assert [p.code for p in parsed.problems] == [StatementRowErrorCode.TOO_LONG]


def test_a_row_with_several_problems_reports_each_column():
    parsed = read("거래일시,입금자명,입금액\n,,x")
    assert [(p.column, p.code) for p in parsed.problems] == [
        ("deposited_at", StatementRowErrorCode.REQUIRED),
        ("depositor", StatementRowErrorCode.REQUIRED),
        ("amount", StatementRowErrorCode.INVALID_AMOUNT),
    ]


# --- confirmation ------------------------------------------------------------------------------


def _statement(master, staff, purchases, *, depositor="한빛상사"):
    lines = ["거래일시,입금자명,입금액"] + [
        f"2026-11-25 12:00,{depositor},{p.deposit_amount}" for p in purchases
    ]
    file = io.BytesIO("\n".join(lines).encode())
    file.name = "statement.csv"
    return deposit_statement_upload(site=master.corporate.site, staff=staff, file=file)


def _company(username="depositmaster"):
    master = corporate_with_master(username=username)
    Corporate.objects.filter(pk=master.corporate_id).update(name="(주)한빛상사")
    master.corporate.refresh_from_db()
    return master


def _request(master, amount):
    with time_machine.travel(dt.datetime(2026, 11, 25, 9, 0, tzinfo=SEOUL), tick=False):
        return purchase_request(manager=master, amount=amount)


@pytest.mark.django_db
def test_confirmation_checks_the_caller_is_staff_of_the_site():
    master = _company()
    staff = MemberFactory(site=master.corporate.site, username="operator5x", staff=True)
    purchase = _request(master, 1_000_000)
    row = _statement(master, staff, [purchase]).rows.get()
    outcomes = deposit_matches_confirm(
        site=master.corporate.site, staff=master.member, matches=[(row.pk, purchase.pk)]
    )
    assert [o.code for o in outcomes] == ["deposit_row_not_found"]
    purchase.refresh_from_db()
    assert purchase.status == Status.PENDING


@pytest.mark.django_db
def test_the_database_lets_a_purchase_be_matched_by_one_row_only():
    from django.db import IntegrityError, transaction

    master = _company()
    staff = MemberFactory(site=master.corporate.site, username="operator6x", staff=True)
    purchase = _request(master, 1_000_000)
    first, second = _statement(master, staff, [purchase, purchase]).rows.order_by("number")
    deposit_row_confirm(
        site=master.corporate.site, staff=staff, row_id=first.pk, purchase_id=purchase.pk
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        DepositStatementRow.objects.filter(pk=second.pk).update(confirmed_purchase=purchase)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_same_row_confirmed_eight_times_at_once_approves_once():
    master = _company("racemaster1")
    staff = MemberFactory(site=master.corporate.site, username="operator7x", staff=True)
    purchase = _request(master, 1_000_000)
    row = _statement(master, staff, [purchase]).rows.get()

    def confirm(_):
        return deposit_row_confirm(
            site=master.corporate.site, staff=staff, row_id=row.pk, purchase_id=purchase.pk
        ).status

    outcomes = run_concurrently(confirm, 8)
    assert sorted(outcomes) == ["confirmed"] + ["row_already_used"] * 7
    purchase.refresh_from_db()
    assert purchase.status == Status.APPROVED and purchase.balance == 1_000_000
    assert PurchaseEvent.objects.filter(purchase=purchase, type="approved").count() == 1
    assert PurchaseEvent.objects.filter(purchase=purchase, type="deposit_matched").count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_rows_confirming_one_purchase_at_once_approve_it_once():
    master = _company("racemaster2")
    staff = MemberFactory(site=master.corporate.site, username="operator8x", staff=True)
    purchase = _request(master, 1_000_000)
    # The same statement uploaded twice: two rows propose the one purchase.
    rows = [_statement(master, staff, [purchase]).rows.get() for _ in range(2)]

    def confirm(index):
        return deposit_row_confirm(
            site=master.corporate.site,
            staff=staff,
            row_id=rows[index].pk,
            purchase_id=purchase.pk,
        ).status

    outcomes = run_concurrently(confirm, 2)
    assert sorted(outcomes) == ["confirmed", "invalid_transition"]
    assert DepositStatementRow.objects.filter(confirmed_purchase=purchase).count() == 1
    assert PurchaseEvent.objects.filter(purchase=purchase, type="approved").count() == 1
