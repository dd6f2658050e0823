"""OpenAPI links in schema.yml (api/openapi.py `links_add`): how a client — and `make fuzz`'s
stateful phase — goes from an answer carrying an object's `id` to the operations on that object.

Derived from the paths, so an operation added later is linked without anyone remembering to:
an answer of `<collection>` or `<collection>{id}/` whose body holds `id` (an object, a page's
`results`, a plain list) links to every operation under `<collection>{id}/`.
"""

import re

import pytest
import yaml
from django.conf import settings

OPERATIONS = ("get", "post", "put", "patch", "delete")


@pytest.fixture(scope="module")
def schema() -> dict:
    return yaml.safe_load((settings.BASE_DIR / "schema.yml").read_text())


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in OPERATIONS:
                yield path, method, operation


def links_of(schema, path: str, method: str, status: str) -> dict:
    return schema["paths"][path][method]["responses"][status].get("links", {})


def test_every_link_names_an_operation_and_only_its_path_parameters(schema):
    by_id = {op["operationId"]: (path, op) for path, _, op in operations(schema)}
    count = 0
    for _, _, operation in operations(schema):
        for response in operation["responses"].values():
            for link in response.get("links", {}).values():
                count += 1
                target_path, _ = by_id[link["operationId"]]
                names = set(re.findall(r"\{(\w+)\}", target_path))
                assert set(link["parameters"]) <= names
                assert link["parameters"]["id"].startswith("$response.body#/")
                for name, expression in link["parameters"].items():
                    if name != "id":
                        assert expression == f"$request.path.{name}"
    assert count > 50


@pytest.mark.parametrize(
    "path,method,status,pointer,target",
    [
        # A created object → the operations on it.
        ("/api/v1/sites/{site}/purchases/", "post", "201", "/id", "sites_purchases_cancel_create"),
        ("/api/v1/sites/{site}/verifications/", "post", "201", "/id", None),
        # A page of a list → its first row's operations.
        ("/api/v1/sites/{site}/dispatches/", "get", "200", "/results/0/id", None),
        # An object → its own other methods and its sub-resources.
        ("/api/v1/sites/{site}/dispatches/{id}/", "get", "200", "/id", None),
    ],
)
def test_answers_with_an_id_link_to_the_operations_on_it(
    schema, path, method, status, pointer, target
):
    links = links_of(schema, path, method, status)
    collection = path.removesuffix("{id}/")
    expected = {
        op["operationId"]
        for other_path, other_method, op in operations(schema)
        if other_path.startswith(f"{collection}{{id}}/")
        and (other_path, other_method) != (path, method)
    }
    assert expected and {link["operationId"] for link in links.values()} == expected
    for link in links.values():
        assert link["parameters"]["id"] == f"$response.body#{pointer}"
        assert link["parameters"]["site"] == "$request.path.site"
    if target:
        assert target in {link["operationId"] for link in links.values()}


def test_errors_and_answers_without_an_id_link_nowhere(schema):
    for _, _, operation in operations(schema):
        for status, response in operation["responses"].items():
            if not status.startswith("2"):
                assert "links" not in response
    assert not links_of(schema, "/api/v1/sites/{site}/members/me/", "get", "200")
