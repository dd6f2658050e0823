"""Text is safe where it goes (SPEC §11, §14): what the API keeps can be written to Excel, PDF and
text messages.

At the edge, a control character (C0, C1, NUL; tab and line breaks only in a field of several
lines), an unpaired surrogate or a non-character is refused with `invalid_characters` on the
field (domain.common.text, api.serializers.TextField). What is already stored with one — kept
before the check, or written around the API — never breaks an export: the one Excel writer
replaces what a worksheet cannot hold.
"""

import io

import openpyxl
import pytest

from domain.corporates.models import BankAccount, Corporate
from domain.dispatches.models import Dispatch
from domain.members.models import Member
from domain.purchases.models import Purchase
from tests.api.corporates import manager_identity, sign_up
from tests.conftest import bearer_for, error_codes
from tests.factories.corporates import corporate_with_master
from tests.factories.dispatches import dispatch_make, dispatch_send_token, recipients_of
from tests.factories.purchases import approved_purchase

pytestmark = pytest.mark.django_db

SITE = "onnuri-biz"
DISPATCHES = f"/api/v1/sites/{SITE}/dispatches/"
PURCHASES = f"/api/v1/sites/{SITE}/purchases/"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
VERTICAL_TAB = "탭\u000b세로탭"
BROKEN_NAME = "(주)\x01온누리"


@pytest.fixture
def master():
    return corporate_with_master(username="textmaster1", mobile="01055554444")


@pytest.fixture
def purchase(master):
    return approved_purchase(master, 1_000_000)


@pytest.fixture
def staff(member_factory, site_of):
    return member_factory(site=site_of(SITE), username="textstaff1", staff=True)


def refused_on(response, attr: str) -> None:
    assert response.status_code == 400, response.content
    assert error_codes(response) == ["invalid_characters"]
    assert response.json()["errors"][0]["attr"] == attr


def workbook(response) -> list[tuple]:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == XLSX
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(book.active.iter_rows(values_only=True))


# --- refused at the edge ---------------------------------------------------------------------


def new_dispatch(title: str, **fields) -> dict:
    return {
        "title": title,
        "send_type": "immediate",
        "subject": "",
        "body": "설 선물을 보내드립니다.",
        "recipients": [{"name": "홍길동", "mobile": "01012345678", "amount": 10_000}],
        **fields,
    }


@pytest.mark.parametrize("title", [VERTICAL_TAB, "제목\x00", "제목\x85끝", "한 줄\n두 줄"])
def test_a_dispatch_title_with_a_control_character_is_refused(api, master, purchase, title):
    data = new_dispatch(title, verification_token=dispatch_send_token(master))
    response = api.post(DISPATCHES, data, format="json", **bearer_for(master.member))
    refused_on(response, "title")
    assert not Dispatch.objects.exists()


def test_a_message_body_keeps_its_lines_but_not_other_controls(api, master, purchase):
    lines = new_dispatch("설 선물", body="첫 줄\r\n둘째 줄\n\t셋째 줄")
    response = api.post(
        DISPATCHES,
        {**lines, "verification_token": dispatch_send_token(master)},
        format="json",
        **bearer_for(master.member),
    )
    assert response.status_code == 201, response.content
    assert Dispatch.objects.get().body == "첫 줄\r\n둘째 줄\n\t셋째 줄"
    controlled = new_dispatch("설 선물", body="첫 줄\x0c둘째 줄")
    response = api.post(
        DISPATCHES,
        {**controlled, "verification_token": dispatch_send_token(master)},
        format="json",
        **bearer_for(master.member),
    )
    refused_on(response, "body")


def test_changing_a_title_to_one_with_a_control_character_is_refused(api, master, purchase):
    from django.utils import timezone

    dispatch = dispatch_make(
        manager=master,
        purchase=purchase,
        recipients=recipients_of(2),
        send_type=Dispatch.SendType.SCHEDULED,
        scheduled_at=timezone.now() + timezone.timedelta(days=1),
    )
    response = api.patch(
        f"{DISPATCHES}{dispatch.pk}/",
        {"title": VERTICAL_TAB},
        format="json",
        **bearer_for(master.member),
    )
    refused_on(response, "title")
    dispatch.refresh_from_db()
    assert dispatch.title == "설 선물"


def test_a_corporate_signing_up_with_a_control_character_in_its_name_is_refused(api, verify):
    token = verify(SITE, "sign_up", manager_identity())
    response = sign_up(api, token, company_name=BROKEN_NAME, account_holder=BROKEN_NAME)
    assert response.status_code == 400, response.content
    assert error_codes(response) == ["invalid_characters", "invalid_characters"]
    assert [e["attr"] for e in response.json()["errors"]] == ["company_name", "account_holder"]
    assert not Corporate.objects.exists()


def test_a_nested_field_is_refused_by_its_dotted_name(api, site_of):
    """Every text input has the check, nested ones too (a sign-up's address)."""
    response = api.post(
        "/api/v1/sites/yongin-library/members/",
        {"kind": "general", "username": "textuser01", "address": {"road": "도로\x1b명"}},
        format="json",
    )
    assert response.status_code == 400
    assert {"code": "invalid_characters", "attr": "address.road"} in [
        {"code": e["code"], "attr": e["attr"]} for e in response.json()["errors"]
    ]


# --- exports of what is already stored -------------------------------------------------------


def test_the_dispatch_export_writes_a_stored_control_character(api, master, purchase, staff):
    dispatch = dispatch_make(manager=master, purchase=purchase, recipients=recipients_of(2))
    # What PostgreSQL can keep (no NUL): a vertical tab, a backspace, DEL.
    Dispatch.objects.filter(pk=dispatch.pk).update(title=VERTICAL_TAB + "\x08끝\x7f")
    Member.objects.filter(pk=master.member_id).update(name="\x02김담당")

    for caller in (master.member, staff):  # the company's export, and staff's site-wide one
        rows = workbook(api.get(f"{DISPATCHES}export/", **bearer_for(caller)))
        assert len(rows) == 2
        title = rows[1][5]
        assert title == "탭\ufffd세로탭\ufffd끝\ufffd"
        assert rows[1][6] == "\ufffd김**"  # the masked requester, its control replaced


def test_the_purchase_export_writes_a_company_name_with_a_control_character(
    api, master, purchase, staff
):
    """A company signed up with `\\x01` in its name (before the check): its account's holder is
    the depositor of every purchase."""
    Corporate.objects.filter(pk=master.corporate_id).update(name=BROKEN_NAME)
    BankAccount.objects.filter(corporate=master.corporate).update(holder=BROKEN_NAME)
    Purchase.objects.filter(pk=purchase.pk).update(depositor_holder="\x01온누리")

    for caller in (master.member, staff):
        rows = workbook(api.get(f"{PURCHASES}export/", **bearer_for(caller)))
        assert len(rows) == 2
        assert rows[1][3] == "\ufffd온**"  # 입금자, masked
