"""The environment variables table (docs "Environment variables"): every variable the Makefile,
the Procfile, the settings, the benchmarks, the fuzzer and the multi-host test read is in it, in
exactly one row, and a numeric default it states is the one the code falls back to."""

from __future__ import annotations

import re

from tests.docs.texts import ROOT, pages, table_rows

# Where the environment is read: the settings, the benchmarks and load runs, `make fuzz`,
# `make multihost`.
SOURCES = [
    *sorted((ROOT / "backend" / "settings").glob("*.py")),
    *sorted((ROOT / "bench").glob("*.py")),
    *sorted((ROOT / "tests" / "fuzz").glob("*.py")),
    *sorted((ROOT / "tests" / "multihost").glob("*.py")),
]
NAME = r"([A-Z][A-Z0-9_]*)"
READS = [
    rf'os\.environ\.(?:get|setdefault)\(\s*"{NAME}"',
    rf'os\.environ\["{NAME}"\]',
    rf'env_(?:bool|list)\(\s*"{NAME}"',
]
# `os.environ.get("NAME", "123")`: a numeric default the table must state.
NUMERIC_DEFAULT = re.compile(rf'os\.environ\.get\(\s*"{NAME}",\s*"(\d+)"\)')


def makefile_variables() -> set[str]:
    """What the Makefile takes from the environment or the command line: its `?=` defaults and
    the variables it uses without ever assigning them (`PYTEST_ARGS`, `DATABASE_URL`)."""
    makefile = (ROOT / "Makefile").read_text()
    defaults = set(re.findall(rf"^{NAME}\s*\?=", makefile, flags=re.MULTILINE))
    assigned = set(re.findall(rf"^{NAME}\s*:?=", makefile, flags=re.MULTILINE))
    used = set(re.findall(rf"\$\({NAME}\)", makefile))
    return defaults | (used - assigned)


def procfile_variables() -> set[str]:
    """What the Procfile's commands expand (`$NAME`, `${NAME:-default}`)."""
    return set(re.findall(rf"\$\{{?{NAME}", (ROOT / "Procfile").read_text()))


def code_variables() -> set[str]:
    """Every variable the settings, bench/ and tests/fuzz read, by name (the per-method
    `IDENTITY_PROVIDER_<METHOD>` overrides spelled out)."""
    names: set[str] = set()
    for source in SOURCES:
        code = source.read_text()
        for pattern in READS:
            names.update(re.findall(pattern, code))
        loop = re.search(r"for _method in \(([^)]*)\):", code)
        per_method = re.search(r'os\.environ\.get\(f"(\w+)_\{_method\}"\)', code)
        if loop and per_method:
            for method in re.findall(r'"(\w+)"', loop.group(1)):
                names.add(f"{per_method.group(1)}_{method}")
    return names


def variable_rows() -> list[tuple[str, list[str]]]:
    """(page, cells) of every table row, on any page, whose first cell names environment
    variables only: `NAME` or `NAME`, `OTHER`."""
    rows = []
    for page in pages():
        for cells in table_rows(page.read_text()):
            if re.fullmatch(rf"`{NAME}`(?:\s*,\s*`{NAME}`)*", cells[0]):
                rows.append((page.name, cells))
    return rows


def row_names(cells: list[str]) -> list[str]:
    return re.findall(rf"`{NAME}`", cells[0])


def test_the_code_reads_the_variables_this_test_looks_for():
    variables = code_variables()
    # The scan itself works: variables of each source kind are found.
    assert {"SECRET_KEY", "DATABASE_URL", "IDENTITY_PROVIDER_MOBILE"} <= variables
    assert {"BENCH_ROUNDS", "LOAD_SECONDS", "FUZZ_SECONDS"} <= variables
    assert {"HOST", "PORT", "SETTINGS", "PYTEST_ARGS"} <= makefile_variables()
    assert "PORT" in procfile_variables()


def test_every_variable_the_makefile_and_the_code_read_is_in_the_table():
    documented = {name for _, cells in variable_rows() for name in row_names(cells)}
    missing = sorted((makefile_variables() | procfile_variables() | code_variables()) - documented)
    assert missing == []


def test_each_variable_is_in_exactly_one_row():
    rows: dict[str, list[str]] = {}
    for page, cells in variable_rows():
        for name in row_names(cells):
            rows.setdefault(name, []).append(f"{page}: {' | '.join(cells)[:80]}")
    repeated = {name: where for name, where in rows.items() if len(where) > 1}
    assert repeated == {}


def test_a_numeric_default_in_the_table_is_the_codes():
    defaults: dict[str, str] = {}
    for source in SOURCES:
        defaults.update(NUMERIC_DEFAULT.findall(source.read_text()))
    assert {"BENCH_ROUNDS": "12", "BENCH_REQUESTS": "160"}.items() <= defaults.items()
    wrong = {}
    for _, cells in variable_rows():
        stated = cells[1].replace(",", "")
        for name in row_names(cells):
            if name in defaults and not re.search(rf"(?<!\d){defaults[name]}(?!\d)", stated):
                wrong[name] = (defaults[name], cells[1])
    assert wrong == {}
