"""Error codes come from one place: the per-area ErrorCode enums (STYLE: stable codes per area).

A string literal handed to a DomainError (or a DRF exception's `code=`) is a code no enum, view
declaration or schema knows about; these tests find one anywhere in api/ and domain/.
"""

import ast
import importlib
import pkgutil
from enum import StrEnum

from rest_framework.exceptions import APIException

import api
import domain
from domain.common.errors import DomainError, ErrorCode


def project_modules():
    for package in (api, domain):
        for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            if ".migrations" in info.name or info.name.endswith(".tests"):
                continue
            yield importlib.import_module(info.name)


def _resolve(node: ast.expr, namespace: dict):
    if isinstance(node, ast.Name):
        return namespace.get(node.id)
    if isinstance(node, ast.Attribute):
        base = _resolve(node.value, namespace)
        return getattr(base, node.attr, None) if base is not None else None
    return None


def _literal(node: ast.expr | None) -> bool:
    return isinstance(node, ast.JoinedStr) or (
        isinstance(node, ast.Constant) and isinstance(node.value, str)
    )


def string_codes(module) -> list[str]:
    """`DomainError("x")`, `NotFound(code="x")`, `ValidationError(..., code="x")`,
    `default_code = "x"`: each one found, as `module:line`."""
    with open(module.__file__, encoding="utf-8") as source:
        tree = ast.parse(source.read())
    namespace = vars(module)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            target = _resolve(node.func, namespace)
            if not isinstance(target, type):
                continue
            code = next((kw.value for kw in node.keywords if kw.arg == "code"), None)
            if issubclass(target, DomainError) and node.args:
                code = code or node.args[0]
            elif not issubclass(target, APIException | DomainError):
                continue
            if _literal(code):
                found.append(f"{module.__name__}:{node.lineno}")
        elif (
            isinstance(node, ast.Assign)
            and _literal(node.value)
            and any(isinstance(t, ast.Name) and t.id == "default_code" for t in node.targets)
        ):
            found.append(f"{module.__name__}:{node.lineno}")
    return found


def test_no_error_code_is_a_string_literal():
    found = [where for module in project_modules() for where in string_codes(module)]
    assert not found, "use an ErrorCode enum member: " + ", ".join(found)


def test_every_error_code_class_has_a_default_enum_member():
    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    list(project_modules())  # import every module so every subclass exists
    loose = [
        c.__qualname__ for c in subclasses(DomainError) if not isinstance(c.default_code, ErrorCode)
    ]
    assert not loose


def test_codes_are_plain_strings_on_the_wire_and_unique_per_enum():
    list(project_modules())
    enums = list(ErrorCode.__subclasses__())
    assert len(enums) >= 8
    for enum in enums:
        assert issubclass(enum, StrEnum)
        values = [member.value for member in enum]
        assert len(values) == len(set(values)), enum
        assert all(str(member) == member.value for member in enum)
