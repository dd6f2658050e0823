"""The Django admin in a real browser: Playwright drives Debian's chromium against
pytest-django's live server (tests/browser/conftest.py).

The onnuri-biz operator logs in to /admin/, approves a pending company with the list action,
and the company's manager can then log in through the API; the yongin-library operator sees
Members.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect
from rest_framework.test import APIClient

from domain.corporates.models import Corporate, CorporateManager
from domain.messaging.backends import locmem
from domain.sites.models import Site
from tests.api.corporates import COMPANY, ONNURI, PASSWORD, manager_identity, sign_up
from tests.factories.members import MemberFactory


def sms_code() -> str:
    return re.search(r"\[(\d{6})\]", locmem.outbox[-1].body).group(1)


def test_onnuri_operator_approves_a_company_whose_manager_then_logs_in(
    chromium_page, admin_log_in, live_server, verify, tmp_path
):
    locmem.outbox.clear()
    operator = MemberFactory(
        site=Site.objects.get(slug=ONNURI),
        username="operator1",
        staff=True,
    )
    signed_up = sign_up(APIClient(), verify(ONNURI, "sign_up", manager_identity()))
    assert signed_up.status_code == 201, signed_up.json()
    corporate = Corporate.objects.get(pk=signed_up.json()["id"])
    manager = CorporateManager.objects.get(corporate=corporate, role="master").member
    assert (corporate.status, manager.status) == ("pending_review", "pending")
    base = live_server.url
    token_url = f"{base}/api/v1/sites/{ONNURI}/auth/token/"
    credentials = {"username": manager.username, "password": PASSWORD}

    with chromium_page() as page:
        before = page.request.post(token_url, data=credentials)
        assert before.status == 401
        assert before.json()["errors"][0]["code"] == "account_pending_review"

        admin_log_in(page, base, f"{ONNURI}/{operator.username}")
        page.screenshot(path=tmp_path / "1-index.png", full_page=True)
        page.click("a[href='/admin/corporates/corporate/']")
        row = page.locator("#result_list tbody tr", has_text=COMPANY)
        expect(row).to_have_count(1)
        row.locator("a").first.click()  # the object page: review buttons and documents
        expect(page.locator(".object-tools a.approve")).to_be_visible()
        expect(page.locator(".field-documents a")).to_have_count(3)
        page.screenshot(path=tmp_path / "2-corporate.png", full_page=True)

        page.go_back()
        row.locator("input[name=_selected_action]").check()
        page.select_option("select[name=action]", "approve")
        page.click("button[name=index]")
        success = page.locator(".messagelist .success")
        expect(success).to_contain_text(COMPANY)
        page.screenshot(path=tmp_path / "3-approved.png", full_page=True)

        started = page.request.post(token_url, data=credentials)
        assert started.status == 200, started.text()
        answer = started.json()
        assert answer["otp_required"] is True
        tokens = page.request.post(
            f"{token_url}otp/",
            data={"verification_id": answer["verification_id"], "code": sms_code()},
        )
        assert tokens.status == 200, tokens.text()
        mine = page.request.get(
            f"{base}/api/v1/sites/{ONNURI}/corporates/mine/",
            headers={"Authorization": f"Bearer {tokens.json()['access']}"},
        )
        assert mine.status == 200, mine.text()
        assert mine.json()["status"] == "approved"

    corporate.refresh_from_db()
    manager.refresh_from_db()
    assert (corporate.status, corporate.reviewed_by_id) == ("approved", operator.pk)
    assert manager.status == "active"
    assert any("승인" in message.body for message in locmem.outbox)


def test_the_yongin_library_operator_sees_members(
    chromium_page, admin_log_in, live_server, tmp_path
):
    site = Site.objects.get(slug="yongin-library")
    assert site.pk != 1  # finding 1 hid Members from every site but the first
    operator = MemberFactory(site=site, username="operator1", staff=True)
    visitor = MemberFactory(site=site, username="visitor01")

    with chromium_page() as page:
        admin_log_in(page, live_server.url, f"yongin-library/{operator.username}")
        members = page.locator("a[href='/admin/members/member/']").first
        expect(members).to_be_visible()
        page.screenshot(path=tmp_path / "1-index.png", full_page=True)
        expect(page.locator("a[href='/admin/corporates/corporate/']")).to_have_count(0)
        members.click()
        expect(page.locator("#result_list")).to_contain_text(visitor.username)
        page.locator("#result_list a", has_text=visitor.username).click()
        expect(page.locator(".field-name .readonly")).to_be_visible()  # identity: read-only
        expect(page.locator("input[name=name]")).to_have_count(0)
        page.screenshot(path=tmp_path / "2-member.png", full_page=True)
