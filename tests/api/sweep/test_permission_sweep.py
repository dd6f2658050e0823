"""The permission sweep, generated from schema.yml (SPEC §8, §11, §14).

For every operation of the committed schema that addresses an object by a path parameter
(`{id}`, `{token}`, `{code}`, …), a victim's object is made by the factory registered for the
operation's resource (tests/api/sweep/victims.py) and the operation is called, with a small
valid-looking body from the schema, by everyone who must not reach it:

- anonymously (401; 404 where the operation also answers anonymous callers);
- by the staff of another site, with its token (401: tokens carry their site) and on its own
  site with the victim's id (404);
- by a member of the victim's site and another company's master (404);
- by the victim's own people — its company's master and general admin, its owner, its guardian,
  the site's staff — wherever the capability table (domain/common/capabilities.py) does not grant
  them the capability the view declares for the method (404, or 403 for a capability whose
  existence is told: `HIDDEN`). "Master-only" is derived, not listed: a general admin is
  called on exactly the operations whose capability only the master holds.

Each refusal must be a documented error body and nothing else (no field of the object, no id),
answer exactly as the same call for an id that addresses nothing (no existence oracle), and
leave every table of the database unchanged. Then one caller who may act makes the same call,
to prove the victim's values address something (a sweep of ids that address nothing would pass
vacuously). An operation whose resource has no factory fails, naming it.
"""

from __future__ import annotations

import copy
import itertools
import json
import time
from dataclasses import dataclass
from functools import cache, partial

import pytest
from django.db.models import CharField, TextField
from drf_spectacular.generators import EndpointEnumerator

from api.permissions import PUBLIC, declared
from domain.capabilities import member_can
from domain.common.capabilities import HIDDEN
from tests.api.sweep.victims import REGISTRY, Credential, Target, Victim, World
from tests.conftest import bearer_for
from tests.privacy import database_snapshot, snapshot_changes
from tests.schema_operations import Operation, object_operations, schema

OPERATIONS = object_operations()
GHOST_ID = 2_000_000_000
GHOST_UUID = "deadbeef-0000-4000-8000-000000000000"


@cache
def view_classes() -> dict[tuple[str, str], type]:
    """(schema path, method) → the view class serving it, as the schema generator sees them."""
    return {
        (path, method.lower()): callback.cls
        for path, _regex, method, callback in EndpointEnumerator().get_api_endpoints()
    }


def requirement(op: Operation):
    """What the view declares for the method: PUBLIC, a Capability or a tuple of them."""
    return declared(view_classes()[(op.path, op.method)], op.method)


def feature(op: Operation) -> str | None:
    return getattr(view_classes()[(op.path, op.method)], "feature", None)


def target_for(op: Operation) -> Target:
    target = REGISTRY.get(op.resource)
    if target is None:
        pytest.fail(
            f"{op} ({op.operation_id}): no victim factory for the resource {op.resource!r}. "
            "Register one in tests/api/sweep/victims.py REGISTRY (an object owned by the "
            "victim, the path values that address it, the members close to it)."
        )
    return target


def missing_victims(operations: list[Operation]) -> list[str]:
    return [f"{op}: {op.resource}" for op in operations if op.resource not in REGISTRY]


# --- who calls, and what each must get ------------------------------------------------------


@dataclass
class Call:
    caller: str
    headers: dict
    site: str  # the site slug of the path
    values: dict  # object path parameters
    expect: frozenset[int]


def _wanted(required) -> tuple:
    return required if isinstance(required, tuple) else (required,)


def granted(member, site, required) -> bool:
    return required == PUBLIC or any(member_can(member, site, c) for c in _wanted(required))


def refusal(member, site, op: Operation) -> frozenset[int]:
    """How `member` is refused on `site`: 404 when it holds the capability (the object is out
    of its scope) or the capability's existence is not told, else 403."""
    required = requirement(op)
    gated = feature(op) and feature(op) not in site.rules.features
    if gated or granted(member, site, required) or all(c in HIDDEN for c in _wanted(required)):
        return frozenset({404})
    return frozenset({403})


def ghost(values: dict, op: Operation) -> dict:
    """Values of the same shape that address nothing."""
    found = {}
    for name, value in values.items():
        schema_ = op.path_parameters()[name]
        if isinstance(value, int):
            found[name] = GHOST_ID
        elif schema_.get("format") == "uuid":
            found[name] = GHOST_UUID
        elif "-" in str(value) and str(value).rsplit("-", 1)[1].isdigit():
            found[name] = f"{str(value).rsplit('-', 1)[0]}-{GHOST_ID}"
        else:
            found[name] = "x" + str(value)[::-1]
    return found


def plan(op: Operation, target: Target, victim: Victim, world: World) -> list[Call]:
    site, values = victim.site, victim.values
    other = world.other_site(site)
    if target.credential is Credential.SIGNED:
        forged = {
            "HTTP_" + name.upper().replace("-", "_"): str(int(time.time()))
            if "timestamp" in name.lower()
            else "0" * 64
            for name, parameter in op.header_parameters().items()
            if parameter.get("required")
        }
        master = world.master.member
        return [
            Call("anonymous, unsigned", {}, site.slug, values, frozenset({401})),
            Call(
                "the victim's master, unsigned",
                bearer_for(master),
                site.slug,
                values,
                frozenset({401}),
            ),
            Call("a forged signature", forged, site.slug, values, frozenset({401})),
        ]
    if target.credential is Credential.PATH_SECRET:
        names = ", ".join(values)
        return [
            Call(f"a wrong {names}", {}, site.slug, ghost(values, op), frozenset({404})),
            Call(f"the right {names} on {other.slug}", {}, other.slug, values, frozenset({404})),
        ]
    anonymous = {401} if op.authentication == "required" else {404}
    foreign = world.staff(other)
    calls = [
        Call("anonymous", {}, site.slug, values, frozenset(anonymous)),
        Call(f"staff of {other.slug}", bearer_for(foreign), site.slug, values, frozenset({401})),
        Call(
            f"staff of {other.slug} on {other.slug}",
            bearer_for(foreign),
            other.slug,
            values,
            refusal(foreign, other, op),
        ),
    ]
    for name, member in {**world.outsiders(site), **victim.outsiders}.items():
        calls.append(Call(name, bearer_for(member), site.slug, values, refusal(member, site, op)))
    for name, member in insiders(victim, world).items():
        if not granted(member, site, requirement(op)):
            calls.append(
                Call(
                    f"{name}, without {requirement(op)}",
                    bearer_for(member),
                    site.slug,
                    values,
                    refusal(member, site, op),
                )
            )
    return calls


def insiders(victim: Victim, world: World) -> dict:
    return {**victim.insiders, "staff of the site": world.staff(victim.site)}


def control(op: Operation, target: Target, victim: Victim, world: World) -> Call | None:
    """A caller who may act on the victim's object (None: nobody but a signer)."""
    site = victim.site
    if target.credential is Credential.PATH_SECRET:
        return Call("the link's holder", {}, site.slug, victim.values, frozenset())
    if target.credential is Credential.SIGNED:
        return Call("the signer", {}, site.slug, victim.values, frozenset())
    for name, member in insiders(victim, world).items():
        if granted(member, site, requirement(op)):
            return Call(name, bearer_for(member), site.slug, victim.values, frozenset())
    return None


# --- calling and judging --------------------------------------------------------------------


def send(api, op: Operation, call: Call, qualifiers: dict, body, values=None, sign=None):
    url = op.url({"site": call.site, **(values or call.values), **qualifiers})
    data = b"" if body is None else json.dumps(body).encode()
    headers = dict(call.headers)
    if sign is not None:
        headers.update(sign(url, data))
    return api.generic(op.method.upper(), url, data, content_type="application/json", **headers)


def answer(response) -> tuple[int, tuple[str, ...]]:
    """Status and error codes: what a caller learns from a refusal."""
    if not (response.get("Content-Type") or "").startswith("application/json"):
        return response.status_code, ()
    body = response.json()
    errors = body.get("errors", []) if isinstance(body, dict) else []
    return response.status_code, tuple(e.get("code") for e in errors if isinstance(e, dict))


def markers(victim: Victim) -> set[str]:
    """Values that would show the victim's object: its text fields and non-numeric ids."""
    found = {str(v) for v in victim.values.values() if not isinstance(v, int)}
    for field in victim.obj._meta.concrete_fields:
        if isinstance(field, CharField | TextField) and not field.choices:
            value = getattr(victim.obj, field.attname)
            if isinstance(value, str) and len(value) >= 4:
                found.add(value)
    return found


def judge(op: Operation, call: Call, response, victim: Victim, ghostly) -> list[str]:
    """What is wrong with a refusal (nothing: [])."""
    status = response.status_code
    content = b"".join(response.streaming_content) if response.streaming else response.content
    text = content.decode("utf-8", "replace")
    wrong = []
    if status not in call.expect:
        wrong.append(f"answered {status}, not {sorted(call.expect)}: {text[:300]}")
    if not response.get("Content-Type", "").startswith("application/json"):
        return [*wrong, f"answered {response.get('Content-Type')}, not an error body"]
    body = json.loads(content)
    items = body.get("errors") if isinstance(body, dict) else None
    if set(body) != {"type", "errors"} or not items:
        wrong.append(f"not the error body: {text[:300]}")
    else:
        for item in items:
            if set(item) != {"code", "detail", "attr"}:
                wrong.append(f"error item with more than code, detail, attr: {item}")
            if item.get("code") not in op.documented_codes(status):
                wrong.append(f"code {item.get('code')!r} not documented for {status}")
    shown = sorted(m for m in markers(victim) if m in text)
    if shown:
        wrong.append(f"the answer shows the victim's {shown}")
    if answer(response) != ghostly:
        wrong.append(f"answered {answer(response)}, but {ghostly} for an id of nothing")
    return wrong


def qualifier_values(op: Operation) -> list[dict]:
    names = list(op.qualifiers)
    return [
        dict(zip(names, combo, strict=True)) for combo in itertools.product(*op.qualifiers.values())
    ]


def sweep(api, op: Operation) -> list[str]:
    """Every refusal of `op`'s plan, judged; then the control call. Returns the failures."""
    target = target_for(op)
    world = World()
    victims = target.make(world)
    assert victims, f"{op.resource}: the factory made no victim"
    plans = [(victim, plan(op, target, victim, world)) for victim in victims]
    controls = [(victim, control(op, target, victim, world)) for victim in victims]
    failures = []
    before = database_snapshot()
    for victim, calls in plans:
        custom = target.bodies.get(op.operation_id)
        body = custom(victim) if custom else op.minimal_body()
        for qualifiers, call in itertools.product(qualifier_values(op), calls):
            ghostly = answer(send(api, op, call, qualifiers, body, values=ghost(call.values, op)))
            response = send(api, op, call, qualifiers, body)
            label = f"{op} as {call.caller} ({call.site}, {call.values}, {qualifiers})"
            failures += [
                f"{label}: {problem}" for problem in judge(op, call, response, victim, ghostly)
            ]
            changes = snapshot_changes(before, database_snapshot())
            if changes:
                failures.append(f"{label}: the database changed: {changes}")
                before = database_snapshot()
    failures += controlled(api, op, target, controls)
    return failures


def controlled(api, op: Operation, target: Target, controls) -> list[str]:
    """The victim's values address something: a caller who may act is answered otherwise than
    for an id of nothing (for at least one victim: an entry id may be the wrong kind for one
    action, e.g. resending an admin's entry)."""
    seen = []
    for victim, call in controls:
        if call is None:
            return [f"{op}: nobody close to the victim may call it (check the factory)"]
        custom = target.bodies.get(op.operation_id)
        body = custom(victim) if custom else op.minimal_body()
        sign = None
        if target.sign is not None:
            sign = partial(target.sign, victim, op.method.upper())
        qualifiers = qualifier_values(op)[0]
        ghostly = answer(
            send(api, op, call, qualifiers, body, values=ghost(call.values, op), sign=sign)
        )
        real = answer(send(api, op, call, qualifiers, body, sign=sign))
        if real != ghostly:
            return []
        seen.append(f"{call.caller} with {call.values}: {real}")
    return [f"{op}: the victim's values address nothing ({'; '.join(seen)})"]


# --- the tests ------------------------------------------------------------------------------


def test_the_sweep_sees_the_schema():
    assert len(OPERATIONS) >= 30
    resources = {op.resource for op in OPERATIONS}
    assert {"purchases/{id}", "dispatches/{id}", "invitations/{token}"} <= resources


def test_every_operation_with_an_object_has_a_victim_factory():
    assert missing_victims(OPERATIONS) == []


@pytest.mark.django_db
@pytest.mark.parametrize("op", OPERATIONS, ids=str)
def test_refused(api, op):
    failures = sweep(api, op)
    assert failures == [], "\n".join(failures)


# --- the sweep itself: new operations, derived roles, signed callbacks -----------------------


def _with_operation(path: str, method: str, spec: dict) -> dict:
    document = copy.deepcopy(schema())
    document["paths"].setdefault(path, {})[method] = spec
    return document


def _path_parameter(name: str, **schema_) -> dict:
    return {"in": "path", "name": name, "required": True, "schema": schema_ or {"type": "string"}}


def test_an_operation_added_without_a_victim_fails_by_name():
    path = "/api/v1/sites/{site}/widgets/{id}/polish/"
    spec = {
        "operationId": "sites_widgets_polish_create",
        "parameters": [_path_parameter("id", type="integer"), _path_parameter("site")],
        "security": [{"jwtAuth": []}],
        "responses": {"200": {"description": ""}},
    }
    added = object_operations(_with_operation(path, "post", spec))
    new = next(op for op in added if op.path == path)
    assert new.resource == "widgets/{id}"
    assert missing_victims(added) == [f"POST {path}: widgets/{{id}}"]
    with pytest.raises(pytest.fail.Exception, match=r"POST .*widgets/\{id\}/polish/"):
        target_for(new)


def _operation(method: str, path: str) -> Operation:
    return next(op for op in OPERATIONS if op.method == method and op.path == path)


@pytest.mark.django_db
def test_master_only_comes_from_the_capability_table():
    world = World()
    entries = REGISTRY["corporate-members/{id}"]
    delete = _operation("delete", "/api/v1/sites/{site}/corporate-members/{id}/")
    read = _operation("get", "/api/v1/sites/{site}/purchases/{id}/")
    victim = entries.make(world)[0]
    callers = {call.caller: call.expect for call in plan(delete, entries, victim, world)}
    assert callers["general admin, without members.manage"] == {404}
    assert not any(caller.startswith("master") for caller in callers)
    purchase = REGISTRY["purchases/{id}"].make(world)[0]
    callers = [call.caller for call in plan(read, REGISTRY["purchases/{id}"], purchase, world)]
    assert not any(caller.startswith(("general admin", "master")) for caller in callers)
    assert "another company's master" in callers and "anonymous" in callers


@pytest.mark.django_db
def test_a_signed_callback_is_refused_unsigned_whoever_calls():
    """The gift app's callbacks authenticate by an HMAC signature, not by a role."""
    path = "/api/v1/sites/{site}/gifts/{code}/receive/"
    spec = {
        "operationId": "sites_gifts_receive_create",
        "parameters": [
            {"in": "header", "name": "X-Gift-Signature", "required": True, "schema": {}},
            {"in": "header", "name": "X-Gift-Timestamp", "required": True, "schema": {}},
            _path_parameter("code"),
            _path_parameter("site"),
        ],
        "security": [{}],
        "responses": {"200": {"description": ""}, "401": {"description": ""}},
    }
    op = next(o for o in object_operations(_with_operation(path, "post", spec)) if o.path == path)
    target = target_for(op)
    assert target.credential is Credential.SIGNED and target.sign is not None
    world = World()
    victim = Victim(site=world.master.corporate.site, values={"code": "ABC"}, obj=world.master)
    calls = plan(op, target, victim, world)
    assert {call.caller: call.expect for call in calls} == {
        "anonymous, unsigned": {401},
        "the victim's master, unsigned": {401},
        "a forged signature": {401},
    }
    forged = calls[-1].headers
    assert forged["HTTP_X_GIFT_SIGNATURE"] == "0" * 64
    assert forged["HTTP_X_GIFT_TIMESTAMP"].isdigit()
