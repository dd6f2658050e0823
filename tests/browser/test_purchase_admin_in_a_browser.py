"""The purchase admin in a real browser: the onnuri-biz operator selects a
pending purchase, runs the approve action and reads the success message; the purchase is then
approved with its balance and a five-year expiry. The harness is tests/browser/conftest.py
(Debian's chromium, rows prepared before the browser starts and checked after it stops).
"""

from __future__ import annotations

from django.utils import timezone
from playwright.sync_api import expect

from domain.purchases.models import Purchase
from domain.purchases.services import purchase_request
from domain.sites.models import Site
from tests.factories.corporates import corporate_with_master
from tests.factories.members import MemberFactory


def test_onnuri_operator_approves_a_pending_purchase_with_the_list_action(
    chromium_page, admin_log_in, live_server, tmp_path
):
    operator = MemberFactory(
        site=Site.objects.get(slug="onnuri-biz"), username="operator1", staff=True
    )
    master = corporate_with_master(username="master01", mobile="01055554444")
    company = master.corporate.name
    chosen = purchase_request(manager=master, amount=2_000_000)
    other = purchase_request(manager=master, amount=3_000_000)
    started = timezone.now()

    with chromium_page() as page:
        admin_log_in(page, live_server.url, f"onnuri-biz/{operator.username}")
        page.click("a[href='/admin/purchases/purchase/']")
        expect(page.locator("#result_list tbody tr")).to_have_count(2)
        expect(page.locator("#result_list tbody tr", has_text=company)).to_have_count(2)
        page.screenshot(path=tmp_path / "1-purchases.png", full_page=True)
        page.check(f"input[name=_selected_action][value='{chosen.pk}']")
        page.select_option("select[name=action]", "approve")
        page.click("button[name=index]")
        success = page.locator(".messagelist .success")
        expect(success).to_have_count(1)
        expect(success).to_contain_text(f"{company} · 구매 {chosen.pk}번")
        expect(success).to_contain_text("승인했습니다")
        expect(page.locator(".messagelist .error")).to_have_count(0)
        page.screenshot(path=tmp_path / "2-approved.png", full_page=True)

    chosen.refresh_from_db()
    other.refresh_from_db()
    assert chosen.status == Purchase.Status.APPROVED
    assert chosen.balance == 2_000_000
    assert chosen.approved_by_id == operator.pk
    assert chosen.approved_at >= started
    expires = timezone.localtime(chosen.expires_at)
    approved = timezone.localtime(chosen.approved_at)
    assert (expires.year - approved.year, expires.month, expires.day) == (
        5,
        approved.month,
        approved.day,
    )
    assert (other.status, other.balance) == (Purchase.Status.PENDING, 0)
    assert chosen.events.filter(type="approved", actor=operator).count() == 1
