"""A site's sign-up manual as a PDF (SPEC §5 "Sign-up manual"; incheon-water: 회원가입 간편 메뉴얼).

The manual's text lives in `manuals/<slug>.txt` (blank lines separate blocks; `**bold**`,
`[text](url)` and `<url>` are the only markup). It is set in reportlab's built-in Korean CID font,
so no font file ships with the code; PDF viewers supply the glyphs.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from xml.sax.saxutils import escape

from django.utils.translation import gettext_lazy as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from domain.common.errors import NotFound
from domain.common.text import writable

from .errors import SiteErrorCode

MANUALS_DIR = Path(__file__).resolve().parent / "manuals"
BODY_FONT = "HYSMyeongJo-Medium"
HEADING_FONT = "HYGothic-Medium"  # the CID fonts have no bold: headings and **emphasis** use Gothic
SLUG_RE = re.compile(r"[a-z0-9][a-z0-9_-]*")
HEADING_RE = re.compile(r"^(?:\d+(?:\.\d+)*\.|[IVX]+\s+[–-])\s+\S")
HEADING_MAX_CHARS = 40
LINK_RE = re.compile(r"\[([^\]]+)\]\(([^)\s]*)\)")
AUTOLINK_RE = re.compile(r"<(https?://[^>\s]+)>")
BOLD_RE = re.compile(r"\*\*(.+?)\*\*", re.DOTALL)
# The Korean CID font (Adobe-Korea1) has no glyphs outside KS X 1001: swap or drop the rest.
SUBSTITUTES = {"–": "-", "—": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "•": "·"}

# (slug, mtime_ns) -> PDF bytes; a changed manual file gets a new key.
_cache: dict[tuple[str, int], bytes] = {}


class ManualNotFound(NotFound):
    default_code = SiteErrorCode.MANUAL_NOT_FOUND
    default_message = _("This site has no sign-up manual.")


def site_manual_pdf(*, site) -> bytes:
    """The site's sign-up manual rendered as an A4 PDF with page numbers (SPEC §5)."""
    slug = site.slug
    if not SLUG_RE.fullmatch(slug or ""):
        raise ManualNotFound()
    path = MANUALS_DIR / f"{slug}.txt"
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError:
        raise ManualNotFound()
    key = (slug, mtime)
    pdf = _cache.get(key)
    if pdf is None:
        pdf = render_manual(title=site.name, text=path.read_text(encoding="utf-8"))
        for stale in [k for k in _cache if k[0] == slug]:
            _cache.pop(stale, None)
        _cache[key] = pdf
    return pdf


def render_manual(*, title: str, text: str) -> bytes:
    _register_fonts()
    body = ParagraphStyle("body", fontName=BODY_FONT, fontSize=10, leading=16, spaceAfter=6)
    heading = ParagraphStyle(
        "heading", fontName=HEADING_FONT, fontSize=13, leading=19, spaceBefore=10, spaceAfter=6
    )
    title_style = ParagraphStyle(
        "title", fontName=HEADING_FONT, fontSize=18, leading=26, alignment=1, spaceAfter=12
    )
    story = [Paragraph(escape(_printable(title)), title_style), Spacer(1, 4 * mm)]
    # Controls first: some (\x0b, \x85) would otherwise split lines.
    for block in re.split(r"\n\s*\n", writable(text)):
        lines = [_printable(line).strip() for line in block.splitlines()]
        lines = [line for line in lines if line]
        if not lines:
            continue
        style = heading if _is_heading(lines) else body
        story.append(Paragraph(_markup(lines), style))

    def footer(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(BODY_FONT, 9)
        canvas.drawCentredString(A4[0] / 2, 12 * mm, f"- {doc.page} -")
        canvas.restoreState()

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=20 * mm,
        bottomMargin=22 * mm,
        title=_printable(title),
        lang="ko",
        invariant=True,  # same text, same bytes: no timestamp or random document id
    )
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def _register_fonts() -> None:
    registered = pdfmetrics.getRegisteredFontNames()
    for name in (BODY_FONT, HEADING_FONT):
        if name not in registered:
            pdfmetrics.registerFont(UnicodeCIDFont(name))


def _is_heading(lines: list[str]) -> bool:
    return (
        len(lines) == 1 and len(lines[0]) <= HEADING_MAX_CHARS and bool(HEADING_RE.match(lines[0]))
    )


def _markup(lines: list[str]) -> str:
    """Lines of one block → Paragraph markup: escaped text, line breaks kept, **x** emphasised."""
    lines = ["- " + line[2:] if line.startswith("* ") else line for line in lines]
    text = "\n".join(lines)
    text = LINK_RE.sub(lambda m: m[1] if m[2] in ("", "#") else f"{m[1]} ({m[2]})", text)
    text = AUTOLINK_RE.sub(r"\1", text)
    text = escape(text)
    text = BOLD_RE.sub(lambda m: f'<font name="{HEADING_FONT}">{m[1]}</font>', text)
    return text.replace("**", "").replace("\n", "<br/>")


def _printable(text: str) -> str:
    """What the font can set: control characters (domain.common.text) and characters without a
    glyph dropped, tabs and wide spaces as spaces."""
    out = []
    for char in writable(text):  # a control character becomes U+FFFD, which has no glyph
        char = SUBSTITUTES.get(char, char)
        if char in "\t\u00a0\u3000":
            out.append(" ")
            continue
        try:
            char.encode("cp949")
        except UnicodeEncodeError:
            continue  # emoji and the like: no glyph in the font
        out.append(char)
    return "".join(out)
