"""The fuzz hooks' own rules (tests/fuzz/hooks.py): which answers count as undocumented or
not JSON in `make fuzz`'s figures, and the `{site}` pin. No server: answers are built here."""

from types import SimpleNamespace

import pytest

from tests.fuzz import hooks

OPERATION = SimpleNamespace(
    method="get",
    path="/api/v1/sites/{site}/dispatches/export/",
    definition=SimpleNamespace(
        raw={
            "responses": {
                "200": {"content": {"application/vnd.ms-excel": {}}},
                "204": {"description": "no body"},
                "404": {"content": {"application/json": {}}},
            }
        }
    ),
)


def answer(status: int, content_type: str, body: bytes, method: str = "GET"):
    return SimpleNamespace(
        status_code=status,
        headers={"content-type": [content_type]} if content_type else {},
        content=body,
        request=SimpleNamespace(method=method),
    )


@pytest.mark.parametrize(
    "status,content_type,body,problem",
    [
        (404, "application/json", b'{"errors": []}', None),
        (200, "application/vnd.ms-excel", b"PK\x03\x04", None),  # documented as Excel
        (204, "", b"", None),
        (404, "text/html; charset=utf-8", b"<h1>Not Found</h1>", "404 answered text/html"),
        (404, "application/json", b"<h1>", "404 answered a body that does not parse as JSON"),
        (500, "", b"oops", "500 answered (none), not JSON"),  # undocumented: JSON expected
    ],
)
def test_json_body_problem(status, content_type, body, problem):
    found = hooks.json_body_problem(OPERATION, answer(status, content_type, body))
    assert found == problem or (problem and found.startswith(problem))


def test_figures_count_each_kind_of_problem_once_per_answer():
    figures = hooks.Figures()
    case = SimpleNamespace(operation=OPERATION)
    figures.record(case, answer(404, "application/json", b"{}"))
    figures.record(case, answer(500, "text/html", b"<h1>"))
    figures.record(case, answer(405, "application/json", b"{}", method="TRACE"))
    label = "GET /api/v1/sites/{site}/dispatches/export/"
    assert figures.requests == 3
    assert dict(figures.server_errors) == {f"{label} → 500": 1}
    # 500 is not documented; TRACE is another method (schemathesis' coverage phase), not counted.
    assert dict(figures.undocumented) == {f"{label} → 500": 1}
    assert list(figures.non_json) == [f"{label} → 500 answered text/html, not JSON"]
    assert figures.operations == {label}


def test_the_site_parameter_is_pinned_to_the_roles_sites(monkeypatch):
    monkeypatch.setattr(hooks, "SITES", ["onnuri-biz"])
    raw = {
        "paths": {
            "/api/v1/sites/{site}/purchases/{id}/": {
                "parameters": [],
                "get": {
                    "parameters": [
                        {"in": "path", "name": "site", "schema": {"type": "string"}},
                        {"in": "path", "name": "id", "schema": {"type": "integer"}},
                    ]
                },
            }
        }
    }
    hooks.before_load_schema(None, raw)
    site, other = raw["paths"]["/api/v1/sites/{site}/purchases/{id}/"]["get"]["parameters"]
    assert site["schema"] == {"type": "string", "enum": ["onnuri-biz"]}
    assert other["schema"] == {"type": "integer"}
