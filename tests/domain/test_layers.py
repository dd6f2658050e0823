"""Calls go one way (STYLE.md "The layers"): `api` and `workers` import `domain`, and `domain`
imports neither — the admin, which lives in `domain`, answers files through domain.common.files."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OUTER_LAYERS = ("api", "workers")


def _imported_modules(path: Path) -> list[str]:
    modules = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.append(node.module)
    return modules


@pytest.mark.parametrize("layer", OUTER_LAYERS)
def test_domain_imports_neither_api_nor_workers(layer):
    offenders = [
        f"{path.relative_to(ROOT)}: {module}"
        for path in sorted((ROOT / "domain").rglob("*.py"))
        for module in _imported_modules(path)
        if module == layer or module.startswith(f"{layer}.")
    ]
    assert offenders == []
