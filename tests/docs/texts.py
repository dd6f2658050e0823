"""The project's documentation read as text: README.md and every page under docs/.

The tests of tests/docs check what these texts claim against the code, the Makefile and the
settings, so a docs claim that stops being true fails the suite.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
README = ROOT / "README.md"
DOCS = ROOT / "docs"


def pages() -> list[Path]:
    """README.md and every Markdown page of docs/ (none yet is an empty list)."""
    return [README, *sorted(DOCS.rglob("*.md"))]


def text() -> str:
    """Every page, one after the other."""
    return "\n".join(page.read_text() for page in pages())


def table_rows(source: str) -> list[list[str]]:
    """Every row of every Markdown table in `source` as its cells (header and separator
    rows excluded)."""
    rows: list[list[str]] = []
    previous: list[str] | None = None  # the row above, while inside a table
    for line in source.splitlines():
        line = line.strip()
        if not (line.startswith("|") and line.endswith("|")):
            previous = None
            continue
        cells = [cell.strip() for cell in line[1:-1].split("|")]
        if all(re.fullmatch(r":?-+:?", cell) for cell in cells):
            if previous is not None and rows and rows[-1] is previous:
                rows.pop()  # the header row, above its separator
            previous = None
            continue
        rows.append(cells)
        previous = cells
    return rows


def code_blocks(source: str, language: str) -> list[str]:
    """The bodies of the fenced code blocks of `language` (```sh, ```python...)."""
    return re.findall(rf"^```{language}\n(.*?)^```", source, flags=re.MULTILINE | re.DOTALL)
