import os
import re
from types import SimpleNamespace

import pytest

from domain.common.errors import NotFound
from domain.sites import manual
from domain.sites.manual import site_manual_pdf
from domain.sites.models import Site


def page_count(pdf: bytes) -> int:
    return pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")


@pytest.mark.django_db
def test_incheon_water_manual_is_a_real_multi_page_pdf():
    pdf = site_manual_pdf(site=Site.objects.get(slug="incheon-water"))
    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")
    assert page_count(pdf) > 1
    assert b"/BaseFont /HYSMyeongJo-Medium" in pdf
    assert b"/MediaBox [ 0 0 595.2756 841.8898 ]" in pdf  # A4


@pytest.mark.django_db
def test_onnuri_biz_manual_covers_manual_004_sign_up_login_accounts_and_members():
    """From manual 004 §1, §2.3 and §4; purchases and dispatches join with issues 10/11."""
    text = (manual.MANUALS_DIR / "onnuri-biz.txt").read_text(encoding="utf-8")
    blocks = [block.strip().splitlines() for block in re.split(r"\n\s*\n", text)]
    headings = [lines[0] for lines in blocks if lines and manual._is_heading(lines)]
    assert headings == [
        "1. 회원가입",
        "1.1. (최초) 기업 신규 가입",
        "1.2. 관리자 추가 가입",
        "2. 로그인",
        "3. 계좌추가/삭제",
        "4. 멤버/권한 관리",
        "4.1. 멤버 확인",
        "4.2. 일반관리자 추가",
        "4.3. 마스터 권한 이관",
    ]
    assert "인증번호" in text  # the SMS code of the login (SPEC §2 second factor)
    pdf = site_manual_pdf(site=Site.objects.get(slug="onnuri-biz"))
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert page_count(pdf) > 1
    assert b"/BaseFont /HYGothic-Medium" in pdf


@pytest.mark.django_db
@pytest.mark.parametrize("slug", ["animal-protection", "yongin-library"])
def test_a_site_without_a_manual_is_not_found(slug):
    with pytest.raises(NotFound) as raised:
        site_manual_pdf(site=Site.objects.get(slug=slug))
    assert raised.value.code == "manual_not_found"
    assert raised.value.status == 404


def test_a_slug_cannot_reach_outside_the_manuals_folder():
    with pytest.raises(NotFound):
        site_manual_pdf(site=SimpleNamespace(slug="../manuals/incheon-water", name="x"))


def test_the_pdf_is_cached_until_the_file_changes(tmp_path, monkeypatch):
    monkeypatch.setattr(manual, "MANUALS_DIR", tmp_path)
    monkeypatch.setattr(manual, "_cache", {})
    path = tmp_path / "test-site.txt"
    path.write_text(
        "1. 로그인\n\n○ 개요\n\n- **아이디**와 비밀번호를 입력한다. 📱", encoding="utf-8"
    )
    site = SimpleNamespace(slug="test-site", name="시험 사이트")
    first = site_manual_pdf(site=site)
    assert site_manual_pdf(site=site) is first
    path.write_text("2. 회원가입\n\n- [홈](#) > 회원광장 > 회원가입", encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    second = site_manual_pdf(site=site)
    assert second != first
    assert second.startswith(b"%PDF-")
    assert len(manual._cache) == 1
