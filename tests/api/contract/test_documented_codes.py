"""Every error code a view's services can raise is documented on its operation (SPEC §10, §11).

For each API operation — the URL patterns × methods drf-spectacular walks — the test collects the
`ErrorCode` members reachable from the view and asserts each is among the codes the schema
documents for that operation (its `error_codes` plus COMMON_CODES, as api.openapi renders them).

The roots of an operation are the handler (`get`, `post`, …), the request hooks the view's
classes define (`initial`, `get_queryset`, `get_object`, `get_serializer_class`, …), the
serializer class and the permission classes. From there tests/codegraph.py follows, statically
(AST of each function, names resolved in its own module), every reference inside api/ and
domain/: functions, methods (`self.x` on the view's MRO, `super().x`), classes (all their
methods), module constants (e.g. the keys of `PASSWORD_MESSAGES`), and `DomainError` subclasses
(their `default_code` unless built with an explicit code). A plugin factory that picks a class
with `import_string(ALIASES…)` reaches every plugin in `ALIASES`.

Limits of a static graph (each errs on one side; both are acceptable for a documentation check):
- Not followed (may miss a code): calls on objects whose type the code does not name
  (`site.rules.username.violation()` — covered here because its codes are the keys of
  `USERNAME_MESSAGES`), `getattr`/dispatch through data, and codes computed at run time. Codes
  must therefore be written as enum members where the graph reaches them.
- Over-counted (may ask for a code that cannot happen): every branch counts, whatever the
  endpoint's arguments; a method of a class counts once the class is named. Document the code, or
  remove the dead raise.
- A `try` whose handler catches DomainError (or broader) without re-raising or keeping the
  exception hides its body's codes (`member_notify` swallowing an unsendable address); a handler
  that binds and uses the exception keeps them, plus the caught class's default code.
- A service that checks an object's status under its row lock before moving it rules out the
  transition helper's `invalid_transition` below it (GUARDED).
- The required-action check (`consent_required`, `password_change_required`) depends on the
  view's exemption flags and on whether it authenticates anyone: `required_action_answers`
  reads those instead of following `required_action_check`.
- Only membership is checked, not the HTTP status a code is listed under; DRF's own field codes
  (`max_length`, …) come from serializers, not from this graph.

What the graph reaches but an endpoint cannot answer is listed in UNREACHABLE with the reason;
a test keeps that list true (each entry still reached, and still undocumented).
"""

import pytest

from api.idempotency import IdempotentMixin, idempotency_refusals
from api.openapi import authenticates
from api.permissions import Access, access_refusals
from domain.common.errors import CommonErrorCode, ErrorCode
from domain.consents.errors import ConsentErrorCode
from domain.corporates.corporate_admins import _manager_leave
from domain.dispatches.changes import _cancel as _dispatch_cancel
from domain.dispatches.outcomes import gift_receive, gift_refuse
from domain.members.account import member_anonymise
from domain.members.errors import MemberErrorCode
from domain.members.required_actions import required_action_check
from domain.sites.errors import SiteErrorCode
from domain.verifications.errors import VerificationErrorCode
from domain.verifications.services import (
    TOKEN_ERROR_CODES,
    verification_confirm,
    verification_consume,
)
from tests.api.contract.live_operations import live_operations
from tests.codegraph import CodeGraph, function_node, in_project, mro_lookup

HOOKS = (
    "initial",
    "get_queryset",
    "get_object",
    "get_serializer_class",
    "get_serializer_context",
    "get_permissions",
    "get_throttles",
    "perform_content_negotiation",
)

# (method, view class name) → (codes the graph reaches that the endpoint cannot answer, why).
# Codes that depend on the site's policy (staff edit it) are documented, not listed here.
UNREACHABLE = {
    ("POST", "LoginView"): (
        {
            VerificationErrorCode.INVALID_PURPOSE,
            VerificationErrorCode.LOGIN_REQUIRED,
            CommonErrorCode.INVALID_BUSINESS_NUMBER,
            VerificationErrorCode.PROVIDER_UNAVAILABLE,
            VerificationErrorCode.INVALID_IDENTITY,
            VerificationErrorCode.FAILED,
            CommonErrorCode.PROVIDER_NOT_CONFIGURED,
            VerificationErrorCode.PHONE_NOT_REGISTERED,
        },
        "the second step starts an sms_code verification, purpose login_otp, for the member "
        "(to the registered mobile: no phone is given)",
    ),
    ("POST", "LoginOtpView"): (
        {
            VerificationErrorCode.INVALID_IDENTITY,
            VerificationErrorCode.INVALID_SIGNATURE,
            VerificationErrorCode.PROVIDER_UNAVAILABLE,
            VerificationErrorCode.REUSED,
            CommonErrorCode.PROVIDER_NOT_CONFIGURED,
            *TOKEN_ERROR_CODES,
        },
        "an sms_code verification (no provider, no signature) whose token was issued by the "
        "same call",
    ),
    ("PATCH", "ManagerMeView"): (
        {MemberErrorCode.INVALID_HOME_LIBRARY, MemberErrorCode.INVALID_LANDLINE},
        "member_profile_update's checks of fields the manager's serializer does not take",
    ),
    ("POST", "ResetPasswordView"): (
        {MemberErrorCode.INVALID_CHANNEL},
        "the serializer's ChoiceField refuses another channel first (`invalid_choice`)",
    ),
    ("GET", "UsernameAvailabilityView"): (
        {
            SiteErrorCode.USERNAME_LENGTH,
            SiteErrorCode.USERNAME_PATTERN,
            MemberErrorCode.USERNAME_TAKEN,
        },
        "the rule broken is the 200 answer's `reason`, not an error",
    ),
    ("POST", "VerificationStartView"): (
        {VerificationErrorCode.INVALID_IDENTITY, VerificationErrorCode.FAILED},
        "raised by the identity providers' `confirm`, which starting does not call",
    ),
}

# Services that check an object's status under its row lock before moving it: the transition
# helper's refusal (`invalid_transition`) cannot happen below them.
GUARDED = {
    verification_confirm: {CommonErrorCode.INVALID_TRANSITION},  # only a pending one moves
    verification_consume: {CommonErrorCode.INVALID_TRANSITION},  # only a verified one moves
    member_anonymise: {CommonErrorCode.INVALID_TRANSITION},  # an active or suspended member
    # An admin leaving: deletion checks `can_transition_to` under the row lock (its own 409);
    # withdrawal checks the password under the lock, unusable once the account is erased.
    _manager_leave: {CommonErrorCode.INVALID_TRANSITION},
    # A dispatch is cancelled only once `_locked` found it pending under its row lock.
    _dispatch_cancel: {CommonErrorCode.INVALID_TRANSITION},
    # A gift moves only from sent, checked under the dispatch and recipient locks.
    gift_receive: {CommonErrorCode.INVALID_TRANSITION},
    gift_refuse: {CommonErrorCode.INVALID_TRANSITION},
}


@pytest.fixture(scope="module")
def operations(django_db_blocker):
    """(path, method, view) for every operation of the schema, views set up as for the schema."""
    with live_operations() as found:
        yield found


def documented(view) -> set[str]:
    return {code for codes in view.schema.error_statuses().values() for code in codes}


def roots(view, method: str) -> list[tuple]:
    cls = type(view)
    found = [function_node(mro_lookup(cls, method.lower()), cls)]
    found += [function_node(mro_lookup(cls, hook), cls) for hook in HOOKS]
    try:
        serializer = view.get_serializer_class()
    except (AssertionError, AttributeError):  # a view without a serializer
        serializer = None
    if isinstance(serializer, type) and in_project(serializer):
        found.append(("class", serializer))
    # Access answers from the view's declaration (access_answers), not from its code paths.
    found += [
        ("class", type(p))
        for p in view.get_permissions()
        if in_project(type(p)) and not isinstance(p, Access)
    ]
    return [node for node in found if node is not None]


def required_action_answers(view) -> set[ErrorCode]:
    """What the required-action check of api.base can answer a logged-in caller of `view`."""
    if not hasattr(view, "required_action_exempt") or not authenticates(view):
        return set()
    codes = set()
    if not view.password_change_exempt:
        codes.add(MemberErrorCode.PASSWORD_CHANGE_REQUIRED)
        if not view.required_action_exempt:
            codes.add(ConsentErrorCode.CONSENT_REQUIRED)
    return codes


def access_answers(view, method: str) -> set[ErrorCode]:
    """What api.permissions.Access and api.idempotency can refuse with, from the view's
    declarations (their code paths are opaque to the graph)."""
    refusals = [access_refusals(view, method), idempotency_refusals(view, method)]
    return {code for found in refusals for codes in found.values() for code in codes}


def answers(graph, view, method: str) -> set[ErrorCode]:
    unreachable = UNREACHABLE.get((method, type(view).__name__), (set(), ""))[0]
    reached = (
        graph.reachable(roots(view, method))
        | required_action_answers(view)
        | access_answers(view, method)
    )
    return reached - unreachable


@pytest.fixture(scope="module")
def graph():
    return CodeGraph(
        opaque=[required_action_check, IdempotentMixin.idempotency_claim], guarded=GUARDED
    )


@pytest.mark.django_db
def test_every_code_a_view_can_raise_is_documented(graph, operations):
    gaps = []
    for path, method, view in operations:
        missing = answers(graph, view, method) - documented(view)
        if missing:
            gaps.append(f"{method} {path} ({type(view).__name__}): {sorted(missing)}")
    assert not gaps, "undocumented error codes:\n" + "\n".join(gaps)


@pytest.mark.django_db
def test_unreachable_entries_are_still_reached_and_undocumented(graph, operations):
    views = {(method, type(view).__name__): view for _, method, view in operations}
    for key, (codes, _reason) in UNREACHABLE.items():
        view = views[key]
        assert codes <= graph.reachable(roots(view, key[0])), key
        assert not codes & documented(view), key


@pytest.mark.django_db
def test_the_graph_sees_codes_through_services_constants_and_plugins(graph, operations):
    """The graph reaches a code raised three calls down, one held by a constant dict, one of a
    plugin picked by import_string, and a DomainError subclass's default code."""
    by_name = {type(view).__name__ + method: view for _, method, view in operations}
    # required_action_check is opaque in the fixture; a plain graph follows it.
    assert {"consent_required", "password_change_required"} <= CodeGraph().reachable(
        roots(by_name["MeViewGET"], "GET")
    )
    sign_up = graph.reachable(roots(by_name["SignUpViewPOST"], "POST"))
    assert {"verification_token_used", "password_contains_username", "username_taken"} <= sign_up
    confirm = graph.reachable(roots(by_name["VerificationConfirmViewPOST"], "POST"))
    assert {"invalid_identity", "verification_failed", "verification_provider_unavailable"} <= (
        confirm
    )
    # member_notify swallows what the outbox refuses: not an answer of the password change.
    change = graph.reachable(roots(by_name["PasswordChangeViewPOST"], "POST"))
    assert "message_too_long" not in change


@pytest.mark.django_db
def test_declared_codes_are_enum_members(operations):
    """`error_codes` and COMMON_CODES name codes only through the per-area enums."""
    loose = []
    for path, method, view in operations:
        for code in documented(view):
            if not isinstance(code, ErrorCode):
                loose.append(f"{method} {path}: {code!r}")
    assert not loose, "codes declared as plain strings:\n" + "\n".join(sorted(set(loose)))
