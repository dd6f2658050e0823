import os
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
@pytest.mark.parametrize("slug", ["animal-protection", "yongin-library", "onnuri-biz"])
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
