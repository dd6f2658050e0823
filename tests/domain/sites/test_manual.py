import base64
import os
import re
import zlib
from types import SimpleNamespace

import pytest

from domain.common.errors import NotFound
from domain.sites import manual
from domain.sites.manual import site_manual_pdf
from domain.sites.models import Site


def page_count(pdf: bytes) -> int:
    return pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")


STREAM_RE = re.compile(
    rb"/Filter \[ /ASCII85Decode /FlateDecode \][^>]*>>\s*stream\r?\n(.*?)endstream", re.S
)
SHOWN_RE = re.compile(rb"\(((?:[^\\()]|\\.)*)\)\s*Tj", re.S)
ESCAPE_RE = re.compile(rb"\\([0-7]{1,3}|.)", re.S)
ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def pdf_text(pdf: bytes) -> str:
    """The text the PDF shows, read back from its page streams (the CID fonts' UCS-2 strings),
    one shown line after another: what a reader of the PDF sees, not the source file."""

    def unescape(match) -> bytes:
        code = match[1]
        if code[:1].isdigit():
            return bytes([int(code, 8)])
        return ESCAPES.get(code, code)

    lines = []
    for stream in STREAM_RE.findall(pdf):
        content = zlib.decompress(base64.a85decode(stream.strip(), adobe=True))
        for shown in SHOWN_RE.findall(content):
            lines.append(ESCAPE_RE.sub(unescape, shown).decode("utf-16-be", "replace"))
    return "\n".join(lines)


def squeezed(text: str) -> str:
    """Without whitespace: a line break may fall on any space."""
    return re.sub(r"\s+", "", text)


@pytest.mark.django_db
def test_incheon_water_manual_is_a_real_multi_page_pdf():
    pdf = site_manual_pdf(site=Site.objects.get(slug="incheon-water"))
    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")
    assert page_count(pdf) > 1
    assert b"/BaseFont /HYSMyeongJo-Medium" in pdf
    assert b"/MediaBox [ 0 0 595.2756 841.8898 ]" in pdf  # A4


@pytest.mark.django_db
def test_onnuri_biz_manual_covers_manual_004_sign_up_login_accounts_members_and_purchases():
    """From manual 004 §1, §2.1–§2.3 and §4 (purchases); dispatches join with
    §3."""
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
        "5. 구매",
        "5.1. 구매하기",
        "5.2. 입금과 승인",
        "5.3. 1천만원 이상 구매 (필수 서류)",
        "5.4. 구매취소/환불",
        "5.5. 유효기간",
        "5.6. 대시보드와 구매내역",
    ]
    assert "인증번호" in text  # the SMS code of the login (SPEC §2 second factor)
    pdf = site_manual_pdf(site=Site.objects.get(slug="onnuri-biz"))
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert page_count(pdf) > 1
    assert b"/BaseFont /HYGothic-Medium" in pdf


@pytest.mark.django_db
def test_the_onnuri_biz_pdf_shows_the_purchases_section():
    """Issue 10: how to request, the discount and limits, the deposit deadline, documents for
    10,000,000 won or more, cancellation, refund, expiry, dashboard, history and export — read
    back from the rendered PDF itself."""
    shown = pdf_text(site_manual_pdf(site=Site.objects.get(slug="onnuri-biz")))
    assert "5. 구매" in shown.splitlines()  # a heading line of its own
    text = squeezed(shown)
    for phrase in (
        "5.1. 구매하기",
        "1,000원 단위",
        "남은 할인한도까지만",
        "2,000,000원 구매 시 1,900,000원 입금",
        "3,000,000원 구매 시 2,900,000원 입금",
        "월 구매한도",
        "영업일 기준 오후 3시(15:00) 전까지",
        "공휴일(대체공휴일 포함)",
        "케이뱅크 700100",
        "10,000,000원(1천만원) 이상",
        "대리인(구매자) 신분증 사본",
        "법인등기부등본",
        "인감증명서/사용인감계",
        "위임장(구매자, 위임기간 1년)",
        "승인 전(대기 상태)에만",
        "남은 구매 잔액 전액",
        "승인일로부터 5년",
        "만료",
        "구매 누적 총액",
        "엑셀 다운로드",
        "번호, 상태, 구매일시, 입금자, 입금계좌, 입금금액, 할인율, 충전금액, 잔액, 유효기간",
    ):
        assert squeezed(phrase) in text, phrase


def test_pdf_text_reads_what_the_pdf_shows():
    pdf = manual.render_manual(title="제목", text="1. 로그인\n\n구매 (잔액) \\ 100%")
    # the footer's page number is drawn first, then the story in order
    assert pdf_text(pdf).splitlines() == ["- 1 -", "제목", "1. 로그인", "구매 (잔액) \\ 100%"]


def test_control_characters_of_a_site_name_or_the_text_are_not_set():
    """A site name stored with a control character (staff edit it; domain.common.text) shows
    without it, in the page and in the document's title."""
    clean = manual.render_manual(title="온누리", text="1. 로그인\n\n본문\t끝")
    controlled = manual.render_manual(title="온\x01누리\x00", text="1. 로그인\n\n본\x0b문\t끝\x85")
    assert pdf_text(controlled).splitlines() == ["- 1 -", "온누리", "1. 로그인", "본문 끝"]
    assert controlled == clean


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
