"""No function imports from `domain` or `api` (the layers contract's other half).

`lint-imports` (the `[tool.importlinter]` contracts in pyproject.toml, run by `make lint`) keeps
every import pointing down the stack, but it sees an import inside a function as well as one at
the top; an import moved into a function to dodge a cycle hides a dependency that goes the wrong
way. So every module of our packages imports what it needs at the top, where a reader and the
contract see it. Imports under `if TYPE_CHECKING:` run at no time and are fine.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("domain", "api", "workers", "demo")
CHECKED = ("domain", "api")  # the modules an import may not name from inside a function


def _package_of(path: Path) -> list[str]:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return parts[:-1]  # a module's package; an __init__'s own package is its directory


def _imported(node: ast.Import | ast.ImportFrom, package: list[str]) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level == 0:
        return [node.module or ""]
    base = package[: len(package) - (node.level - 1)]
    return [".".join([*base, *([node.module] if node.module else [])])]


def function_imports(path: Path) -> list[str]:
    """`path:line: module` for each import of a CHECKED package inside a function body."""
    package = _package_of(path)
    found = []
    for function in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.Import | ast.ImportFrom):
                found += [
                    f"{path.relative_to(ROOT)}:{node.lineno}: {module}"
                    for module in _imported(node, package)
                    if module.split(".")[0] in CHECKED
                ]
    return found


def _modules() -> list[Path]:
    return sorted(path for package in PACKAGES for path in (ROOT / package).rglob("*.py"))


def test_the_walk_reads_every_package():
    modules = _modules()
    assert len(modules) > 300
    assert {path.relative_to(ROOT).parts[0] for path in modules} == set(PACKAGES)


@pytest.mark.parametrize("package", PACKAGES)
def test_no_function_imports_from_domain_or_api(package):
    offenders = [
        where for path in sorted((ROOT / package).rglob("*.py")) for where in function_imports(path)
    ]
    assert offenders == []


def test_the_walk_finds_a_function_import(tmp_path, monkeypatch):
    """The check itself: an import inside a function (absolute or relative) is found; one at
    the top or under `if TYPE_CHECKING:` is not."""
    package = tmp_path / "domain" / "area"
    package.mkdir(parents=True)
    module = package / "services.py"
    module.write_text(
        "from typing import TYPE_CHECKING\n"
        "from domain.common.errors import DomainError\n"
        "if TYPE_CHECKING:\n"
        "    from domain.members.models import Member\n"
        "def f():\n"
        "    from domain.corporates.models import Corporate\n"
        "    from .selectors import g\n"
        "    import json\n"
    )
    monkeypatch.setattr(__import__(__name__, fromlist=["ROOT"]), "ROOT", tmp_path)
    assert function_imports(module) == [
        "domain/area/services.py:6: domain.corporates.models",
        "domain/area/services.py:7: domain.area.selectors",
    ]
