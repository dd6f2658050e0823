"""The dispatch admin in a real browser (SPEC §7.4, §8): a company calls the onnuri-biz operator
about a gift; the operator opens the site's dispatches, the dispatch with its history, its
recipients (masked), and finds the caller's gift by the full mobile number. The harness is
tests/browser/conftest.py (Debian's chromium, rows prepared before the browser starts)."""

from __future__ import annotations

from playwright.sync_api import expect

from domain.dispatches.models import DispatchEvent
from domain.sites.models import Site
from tests.factories.corporates import corporate_with_master
from tests.factories.dispatches import dispatch_make
from tests.factories.members import MemberFactory
from tests.factories.purchases import approved_purchase


def test_onnuri_operator_finds_a_callers_gift_from_the_dispatch_list(
    chromium_page, admin_log_in, live_server, tmp_path
):
    operator = MemberFactory(
        site=Site.objects.get(slug="onnuri-biz"), username="operator1", staff=True
    )
    master = corporate_with_master(username="master01", mobile="01055554444")
    purchase = approved_purchase(master, 100_000)
    dispatch = dispatch_make(
        manager=master,
        purchase=purchase,
        recipients=[("김정수", "01012345678", 10_000), ("이영희", "01098765432", 20_000)],
        title="추석 선물",
    )
    DispatchEvent.objects.create(
        dispatch=dispatch, type="created", new_status="pending", amount=30_000
    )

    with chromium_page() as page:
        admin_log_in(page, live_server.url, f"onnuri-biz/{operator.username}")
        page.click("a[href='/admin/dispatches/dispatch/']")
        rows = page.locator("#result_list tbody tr")
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text("추석 선물")
        expect(rows.first).to_contain_text("30,000")
        page.click("#result_list tbody tr a:has-text('추석 선물')")
        history = page.locator("#events-group")  # the history inline, read-only
        expect(history).to_contain_text("pending")
        page.screenshot(path=tmp_path / "1-dispatch.png", full_page=True)
        page.click("a:has-text('이 발송의 수신자 보기')")
        recipients = page.locator("#result_list tbody tr")
        expect(recipients).to_have_count(2)
        expect(page.locator("#result_list")).to_contain_text("0101****678")
        expect(page.locator("#result_list")).not_to_contain_text("01012345678")
        expect(page.locator("#result_list")).not_to_contain_text("김정수")
        page.fill("#searchbar", "010-9876-5432")
        page.press("#searchbar", "Enter")
        expect(page.locator("#result_list tbody tr")).to_have_count(1)
        expect(page.locator("#result_list")).to_contain_text("이영*")
        page.screenshot(path=tmp_path / "2-found.png", full_page=True)
