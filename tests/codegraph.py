"""A static call graph of api/ and domain/ that answers "which error codes can this raise?".

Used by tests/api/contract/test_documented_codes.py; its limits are listed in that module's
docstring.
Each function's source is parsed (AST) and the names in it are resolved in the function's own
module at run time (so imports, aliases and re-exports need no bookkeeping of our own).
"""

from __future__ import annotations

import ast
import functools
import importlib
import inspect
import textwrap
import types
from collections.abc import Iterable
from typing import Any

from django.utils.module_loading import import_string

from domain.common.errors import DomainError, ErrorCode

PROJECT_PACKAGES = ("api", "domain")
MISSING = object()


def in_project(obj: Any) -> bool:
    module = getattr(obj, "__module__", None) or ""
    return module.split(".")[0] in PROJECT_PACKAGES


def mro_lookup(cls: type, name: str, *, after: type | None = None) -> Any:
    """The raw class attribute `name` (no descriptor binding) from `cls`'s MRO, optionally
    searching only the classes after `after` (what `super()` sees)."""
    mro = list(cls.__mro__)
    if after is not None and after in mro:
        mro = mro[mro.index(after) + 1 :]
    for klass in mro:
        if name in klass.__dict__:
            return klass.__dict__[name]
    return MISSING


def _function_of(value: Any) -> types.FunctionType | None:
    if isinstance(value, staticmethod | classmethod):
        value = value.__func__
    elif isinstance(value, property):
        value = value.fget
    elif isinstance(value, functools.cached_property):
        value = value.func
    if isinstance(value, types.MethodType):
        value = value.__func__
    if isinstance(value, types.FunctionType):
        return inspect.unwrap(value)
    return None


def _codes_in_constant(value: Any, depth: int = 0) -> set[ErrorCode]:
    """Error codes held by a module constant (a dict keyed by codes, a list of codes…)."""
    if isinstance(value, ErrorCode):
        return {value}
    if depth > 3:
        return set()
    if isinstance(value, dict):
        items: Iterable[Any] = [*value.keys(), *value.values()]
    elif isinstance(value, list | tuple | set | frozenset):
        items = value
    else:
        return set()
    found: set[ErrorCode] = set()
    for item in items:
        found |= _codes_in_constant(item, depth + 1)
    return found


def _reraises(statements: list[ast.stmt]) -> bool:
    """A bare `raise`: the caught exception goes on."""
    return any(
        isinstance(node, ast.Raise) and node.exc is None
        for stmt in statements
        for node in ast.walk(stmt)
    )


def _keeps(statements: list[ast.stmt], name: str) -> bool:
    """Whether a handler passes the caught exception on (`failure = exc`, `errors.append(exc)`),
    as opposed to reading it (`exc.code`) or chaining it (`raise Other() from exc`)."""
    skipped: set[int] = set()
    for stmt in statements:
        for node in ast.walk(stmt):
            if isinstance(node, ast.Attribute):
                skipped.add(id(node.value))
            elif isinstance(node, ast.Raise) and node.cause is not None:
                skipped.add(id(node.cause))
    return any(
        isinstance(node, ast.Name) and node.id == name and id(node) not in skipped
        for stmt in statements
        for node in ast.walk(stmt)
    )


class _FunctionVisitor(ast.NodeVisitor):
    """Collects the codes a function names and the project callables it refers to."""

    def __init__(self, graph: CodeGraph, function: types.FunctionType, owner: type | None):
        self.graph = graph
        self.function = function
        self.owner = owner
        self.namespace = dict(function.__globals__)
        if function.__closure__:
            for name, cell in zip(function.__code__.co_freevars, function.__closure__, strict=True):
                try:
                    self.namespace[name] = cell.cell_contents
                except ValueError:  # an empty cell
                    continue
        self.locals: set[str] = set()
        self.codes: set[ErrorCode] = set()
        self.deps: list[tuple] = []

    # --- resolution -----------------------------------------------------------------------

    def resolve(self, node: ast.expr) -> Any:
        if isinstance(node, ast.Name):
            if node.id in self.locals:
                return MISSING
            return self.namespace.get(node.id, MISSING)
        if isinstance(node, ast.Attribute):
            value = node.value
            if isinstance(value, ast.Name) and value.id in ("self", "cls") and self.owner:
                return mro_lookup(self.owner, node.attr)
            if (
                isinstance(value, ast.Call)
                and isinstance(value.func, ast.Name)
                and value.func.id == "super"
                and self.owner
            ):
                return mro_lookup(self.owner, node.attr, after=self._defining_class())
            base = self.resolve(value)
            if base is MISSING:
                return MISSING
            try:
                return getattr(base, node.attr)
            except Exception:  # noqa: BLE001  (a descriptor that needs an instance)
                return MISSING
        return MISSING

    def _defining_class(self) -> type | None:
        for klass in self.owner.__mro__:
            if any(_function_of(v) is self.function for v in klass.__dict__.values()):
                return klass
        return None

    def _on_owner(self, node: ast.expr) -> bool:
        """`self.x`, `cls.x` or `super().x`: resolved on the owner class."""
        if not (isinstance(node, ast.Attribute) and self.owner):
            return False
        value = node.value
        return (isinstance(value, ast.Name) and value.id in ("self", "cls")) or (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Name)
            and value.func.id == "super"
        )

    def consider(self, obj: Any, *, explicit_code: bool = False, owner: type | None = None) -> None:
        """Record what referring to `obj` can raise."""
        if obj is MISSING:
            return
        if isinstance(obj, ErrorCode):
            self.codes.add(obj)
            return
        if isinstance(obj, type):
            if issubclass(obj, DomainError):
                if not explicit_code:
                    self.codes.add(obj.default_code)
            elif in_project(obj) and not issubclass(obj, ErrorCode):
                self.deps.append(("class", obj))
            return
        function = _function_of(obj)
        if function is not None:
            if in_project(function):
                self.deps.append(("function", function, owner))
            return
        if isinstance(obj, dict | list | tuple | set | frozenset):
            self.codes |= _codes_in_constant(obj)

    # --- visiting -------------------------------------------------------------------------

    def run(self, tree: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        args = tree.args
        for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]:
            if arg is not None:
                self.locals.add(arg.arg)
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                self.locals.add(node.id)
            elif isinstance(node, ast.Import | ast.ImportFrom):
                self._import(node)
        for statement in tree.body:
            self.visit(statement)
        if "import_string" in self.namespace and isinstance(self.namespace.get("ALIASES"), dict):
            # A plugin factory (`import_string(ALIASES.get(name, name))()`): every plugin counts.
            for path in self.namespace["ALIASES"].values():
                self.consider(import_string(path))

    def _import(self, node: ast.Import | ast.ImportFrom) -> None:
        """A function-level import (used to break import cycles) binds names like a global."""
        if isinstance(node, ast.Import):
            for alias in node.names:
                top = alias.name.split(".")[0]
                target = alias.name if alias.asname else top
                self.namespace[alias.asname or top] = importlib.import_module(target)
            return
        if node.level:
            package = self.namespace.get("__package__") or ""
            if node.level > 1:
                package = ".".join(package.split(".")[: -(node.level - 1)])
            name = f"{package}.{node.module}" if node.module else package
        else:
            name = node.module
        module = importlib.import_module(name)
        for alias in node.names:
            value = getattr(module, alias.name, MISSING)
            if value is MISSING:
                value = importlib.import_module(f"{name}.{alias.name}")
            self.namespace[alias.asname or alias.name] = value

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Load):
            self.consider(self.resolve(node))

    def visit_Attribute(self, node: ast.Attribute) -> None:
        resolved = self.resolve(node) if isinstance(node.ctx, ast.Load) else MISSING
        if resolved is MISSING:
            self.visit(node.value)
        else:
            self.consider(resolved, owner=self.owner if self._on_owner(node) else None)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Name) and func.id in ("isinstance", "issubclass"):
            if node.args:
                self.visit(node.args[0])  # the classes tested against are not raised
            return
        resolved = self.resolve(func)
        if resolved is MISSING:
            self.visit(func)
        else:
            explicit = bool(node.args) or any(kw.arg == "code" for kw in node.keywords)
            owner = self.owner if self._on_owner(func) else None
            self.consider(resolved, explicit_code=explicit, owner=owner)
        for arg in node.args:
            self.visit(arg)
        for keyword in node.keywords:
            self.visit(keyword.value)

    def visit_Try(self, node: ast.Try) -> None:
        swallowed = False
        for handler in node.handlers:
            caught = self._caught(handler.type)
            kept = bool(handler.name) and _keeps(handler.body, handler.name)
            broad = handler.type is None or any(issubclass(DomainError, c) for c in caught)
            if broad and not kept and not _reraises(handler.body):
                swallowed = True  # `except DomainError: continue`, or raise something else
            if kept:  # `except X as exc: failure = exc` — X goes on
                for klass in caught:
                    self.consider(klass)
            for statement in handler.body:
                self.visit(statement)
        if not swallowed:
            for statement in node.body:
                self.visit(statement)
        for statement in [*node.orelse, *node.finalbody]:
            self.visit(statement)

    visit_TryStar = visit_Try

    def _caught(self, expr: ast.expr | None) -> list[type]:
        if expr is None:
            return [BaseException]
        elements = expr.elts if isinstance(expr, ast.Tuple) else [expr]
        classes = [self.resolve(element) for element in elements]
        return [klass for klass in classes if isinstance(klass, type)]

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:  # the annotation names types, not raises
            self.visit(node.value)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        for statement in node.body:  # a nested function: its body, not its annotations
            self.visit(statement)

    visit_AsyncFunctionDef = visit_FunctionDef


class CodeGraph:
    """Nodes are ("function", function, owner class or None) and ("class", class)."""

    def __init__(
        self, *, opaque: Iterable[Any] = (), guarded: dict[Any, set[ErrorCode]] | None = None
    ) -> None:
        # Functions whose codes the caller works out itself (they depend on data, not code).
        self.opaque = {_function_of(function) for function in opaque}
        # Functions that rule out some codes of what they call (e.g. a status checked under the
        # lock before the transition that would refuse it): those codes stop there.
        self.guarded = {_function_of(f): codes for f, codes in (guarded or {}).items()}
        self._direct: dict[tuple, tuple[set[ErrorCode], list[tuple]]] = {}

    def direct(self, node: tuple) -> tuple[set[ErrorCode], list[tuple]]:
        if node[0] == "function" and node[1] in self.opaque:
            return set(), []
        if node not in self._direct:
            self._direct[node] = self._compute(node)
        return self._direct[node]

    def _compute(self, node: tuple) -> tuple[set[ErrorCode], list[tuple]]:
        if node[0] == "class":
            cls = node[1]
            deps = []
            for klass in cls.__mro__:
                if not in_project(klass):
                    continue
                for value in klass.__dict__.values():
                    function = _function_of(value)
                    if function is not None and in_project(function):
                        deps.append(("function", function, cls))
            return set(), deps
        _, function, owner = node
        try:
            source = textwrap.dedent(inspect.getsource(function))
        except (OSError, TypeError):
            return set(), []
        tree = ast.parse(source).body[0]
        if not isinstance(tree, ast.FunctionDef | ast.AsyncFunctionDef):
            return set(), []
        visitor = _FunctionVisitor(self, function, owner)
        visitor.run(tree)
        return visitor.codes, visitor.deps

    def reachable(self, roots: Iterable[tuple], _inside: frozenset = frozenset()) -> set[ErrorCode]:
        """Every code the roots can raise, following references transitively."""
        seen: set[tuple] = set()
        codes: set[ErrorCode] = set()
        stack = list(roots)
        while stack:
            node = stack.pop()
            if node in seen:
                continue
            seen.add(node)
            function = node[1] if node[0] == "function" else None
            if function in self.guarded and function not in _inside:
                inner = self.reachable([node], _inside | {function})
                codes |= inner - self.guarded[function]
                continue
            node_codes, deps = self.direct(node)
            codes |= node_codes
            stack.extend(deps)
        return codes


def function_node(value: Any, owner: type | None = None) -> tuple | None:
    function = _function_of(value)
    if function is None or not in_project(function):
        return None
    return ("function", function, owner)
