"""The README is the front door: short, every `make` target in it, its links to files that
exist; and no page of the docs names an issue number instead of stating the rule."""

from __future__ import annotations

import re

from tests.docs.texts import README, ROOT, pages

LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
EXTERNAL = ("http://", "https://", "mailto:")


def makefile_targets() -> list[str]:
    phony = re.search(r"^\.PHONY:(.*)$", (ROOT / "Makefile").read_text(), re.MULTILINE)
    return phony.group(1).split()


def test_the_readme_is_at_most_200_lines():
    assert len(README.read_text().splitlines()) <= 200


def test_the_readme_names_every_make_target():
    readme = README.read_text()
    missing = [t for t in makefile_targets() if not re.search(rf"`make {t}\b", readme)]
    assert missing == []


def test_every_relative_link_of_the_readme_is_a_file_that_exists():
    links = [
        link.split("#")[0]
        for link in LINK.findall(README.read_text())
        if not link.startswith(EXTERNAL) and not link.startswith("#")
    ]
    assert links, "the README links into docs/"
    missing = [link for link in links if not (ROOT / link).is_file()]
    assert missing == []


def test_no_page_names_an_issue_number():
    found = {
        page.relative_to(ROOT).as_posix(): re.findall(
            r"issues? \d+[^\n]{0,30}", page.read_text(), re.I
        )
        for page in pages()
    }
    assert {page: hits for page, hits in found.items() if hits} == {}
