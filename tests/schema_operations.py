"""The operations of the committed `schema.yml` as data, for tests generated from the contract
(the permission sweep; SPEC §10, §11).

A path parameter names an object unless it is the site slug or the schema gives it an `enum`
(an SNS provider, a document kind): `{id}`, `{token}`, `{code}`, … An operation's *resource* is
its path relative to the site (or to `/api/v1/`) cut after its last object parameter, e.g.
`purchases/{id}` for `POST /api/v1/sites/{site}/purchases/{id}/approve/`: every operation on
one resource addresses the same kind of object.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import yaml

from backend.settings.base import BASE_DIR

METHODS = ("get", "post", "put", "patch", "delete")
SITE_PREFIX = "/api/v1/sites/{site}/"
API_PREFIX = "/api/v1/"
CODES = re.compile(r"`([a-z0-9_]+)`")


@cache
def schema() -> dict:
    return yaml.safe_load((BASE_DIR / "schema.yml").read_text())


def resolve(node: dict, document: dict) -> dict:
    """`node` with its `$ref` (if any) followed inside `document`."""
    while "$ref" in node:
        target = document
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


@dataclass(frozen=True)
class Operation:
    method: str  # lower case
    path: str  # as in the schema: /api/v1/sites/{site}/purchases/{id}/
    spec: dict
    document: dict

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.path}"

    @property
    def operation_id(self) -> str:
        return self.spec.get("operationId", str(self))

    def path_parameters(self) -> dict[str, dict]:
        """Path parameter name → its schema, in the order they appear in the path."""
        declared = {
            p["name"]: p.get("schema", {})
            for p in (resolve(p, self.document) for p in self.spec.get("parameters", []))
            if p.get("in") == "path"
        }
        return {name: declared.get(name, {}) for name in re.findall(r"{([^}]+)}", self.path)}

    @property
    def object_parameters(self) -> tuple[str, ...]:
        """The path parameters that name an object (not the site, not an enum)."""
        return tuple(
            name
            for name, schema_ in self.path_parameters().items()
            if name != "site" and "enum" not in schema_
        )

    @property
    def qualifiers(self) -> dict[str, list]:
        """Enum path parameters (provider, document kind) with their values."""
        return {
            name: list(schema_["enum"])
            for name, schema_ in self.path_parameters().items()
            if name != "site" and "enum" in schema_
        }

    @property
    def site_scoped(self) -> bool:
        return self.path.startswith(SITE_PREFIX)

    @property
    def resource(self) -> str:
        """The path relative to the site (or the API root) up to its last object parameter."""
        relative = self.path.removeprefix(SITE_PREFIX if self.site_scoped else API_PREFIX)
        last = self.object_parameters[-1]
        return relative[: relative.index("{" + last + "}") + len(last) + 2]

    @property
    def authentication(self) -> str:
        """`required` (a bearer token or session), `optional` (also anonymous) or `none`."""
        options = self.spec.get("security", self.document.get("security", [{}]))
        anonymous = any(option == {} for option in options)
        if not any(option for option in options):
            return "none"
        return "optional" if anonymous else "required"

    def header_parameters(self) -> dict[str, dict]:
        return {
            p["name"]: p
            for p in (resolve(p, self.document) for p in self.spec.get("parameters", []))
            if p.get("in") == "header"
        }

    def documented_codes(self, status: int) -> set[str]:
        """The error codes the schema lists for `status` ("Codes: `a`, `b`")."""
        response = self.spec.get("responses", {}).get(str(status))
        if response is None:
            return set()
        return set(CODES.findall(resolve(response, self.document).get("description", "")))

    def url(self, values: dict[str, object]) -> str:
        path = self.path
        for name, value in values.items():
            path = path.replace("{" + name + "}", str(value))
        assert "{" not in path, f"{self}: no value for a path parameter of {path}"
        return path

    def minimal_body(self) -> dict | None:
        """A valid-looking JSON body from the request schema, every property filled (a view
        may require what the schema leaves optional, and a refused change must change nothing
        it names); None without a JSON body."""
        body = self.spec.get("requestBody")
        if body is None:
            return None
        content = resolve(body, self.document).get("content", {})
        if "application/json" not in content:
            return None
        schema_ = resolve(content["application/json"]["schema"], self.document)
        return example(schema_, self.document, every_property=True)


def example(schema_: dict, document: dict, *, every_property: bool = False):
    """A plausible value for `schema_` (a JSON schema of the OpenAPI document)."""
    schema_ = resolve(schema_, document)
    for combined in ("allOf", "oneOf", "anyOf"):
        if combined in schema_:
            return example(schema_[combined][0], document, every_property=every_property)
    if "enum" in schema_:
        return next((v for v in schema_["enum"] if v not in (None, "")), schema_["enum"][0])
    kind = schema_.get("type", "object")
    if kind == "object" or "properties" in schema_:
        properties = schema_.get("properties", {})
        names = properties if every_property else schema_.get("required", [])
        return {
            name: example(properties[name], document)
            for name in names
            if name in properties and not resolve(properties[name], document).get("readOnly")
        }
    if kind == "array":
        count = max(1, schema_.get("minItems", 1))
        return [example(schema_.get("items", {}), document) for _ in range(count)]
    if kind == "integer":
        return max(1, schema_.get("minimum", 1))
    if kind == "number":
        return max(1, schema_.get("minimum", 1))
    if kind == "boolean":
        return True
    return STRINGS.get(schema_.get("format"), "테스트")


STRINGS = {
    "date": "2031-01-02",
    "date-time": "2031-01-02T10:00:00+09:00",
    "email": "sweep@example.com",
    "uuid": "00000000-0000-4000-8000-000000000000",
    "uri": "https://example.com/",
    "binary": "x",
    "decimal": "1.00",
}


def operations(document: dict | None = None) -> list[Operation]:
    """Every operation of `document` (the committed schema.yml by default)."""
    document = document if document is not None else schema()
    return [
        Operation(method=method, path=path, spec=spec, document=document)
        for path, item in document["paths"].items()
        for method, spec in item.items()
        if method in METHODS
    ]


def object_operations(document: dict | None = None) -> list[Operation]:
    """The operations that address an object by a path parameter."""
    return [op for op in operations(document) if op.object_parameters]
