"""Event types are enums, one helper writes each (Saleor's `order/events.py`).

Each event table's `type` takes its choices from its lifecycles' enums; each type is written by
exactly one helper of the lifecycle's events module, and nothing else creates event rows.
"""

import ast
import inspect

import pytest

from backend.settings.base import BASE_DIR
from domain.audit.models import AuditEvent
from domain.corporates import events as corporate_events
from domain.corporates.models import (
    BankAccountEventType,
    CorporateEvent,
    CorporateEventType,
    InvitationEventType,
)
from domain.library import events as library_events
from domain.library.models import LibraryEvent
from domain.members import events as member_events
from domain.verifications import events as verification_events
from domain.verifications.models import VerificationEvent

LIFECYCLES = [
    (VerificationEvent, [VerificationEvent.Type], verification_events),
    (LibraryEvent, [LibraryEvent.Type], library_events),
    (
        CorporateEvent,
        [CorporateEventType, InvitationEventType, BankAccountEventType],
        corporate_events,
    ),
]
# The audit trail holds more than lifecycles (logins, access log); these types are a member's
# and a name change request's lifecycle and have their helpers in domain.members.events.
MEMBER_TYPES = [
    AuditEvent.Type.MEMBER_CREATED,
    AuditEvent.Type.MEMBER_UPDATED,
    AuditEvent.Type.MEMBER_ACTIVATED,
    AuditEvent.Type.MEMBER_REJECTED,
    AuditEvent.Type.MEMBER_SUSPENDED,
    AuditEvent.Type.MEMBER_WITHDRAWN,
    AuditEvent.Type.NAME_CHANGE_REQUESTED,
    AuditEvent.Type.NAME_CHANGE_APPROVED,
    AuditEvent.Type.NAME_CHANGE_REJECTED,
]


def helpers_writing(module) -> dict:
    """Event type (enum member) → the module's public functions whose body names it."""
    tree = ast.parse(inspect.getsource(module))
    namespace = vars(module)
    written: dict = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Attribute) and isinstance(inner.value, ast.Name):
                    enum = namespace.get(inner.value.id)
                    member = getattr(enum, inner.attr, None) if isinstance(enum, type) else None
                    if member is not None and isinstance(member, enum):
                        written.setdefault(member, []).append(node.name)
    return written


@pytest.mark.parametrize(
    ("model", "enums", "module"), LIFECYCLES, ids=[m.__name__ for m, _, _ in LIFECYCLES]
)
def test_each_event_type_is_a_choice_written_by_exactly_one_helper(model, enums, module):
    choices = {value for value, _label in model._meta.get_field("type").choices}
    members = [member for enum in enums for member in enum]
    assert choices == {member.value for member in members}
    written = helpers_writing(module)
    for member in members:
        assert len(written.get(member, [])) == 1, (member, written.get(member))


def test_each_member_lifecycle_type_has_one_helper():
    written = helpers_writing(member_events)
    for member in MEMBER_TYPES:
        assert len(written.get(member, [])) == 1, member


def test_no_event_row_is_written_outside_the_events_modules():
    writers = {
        "VerificationEvent.objects": "domain/verifications/events.py",
        "LibraryEvent.objects": "domain/library/events.py",
        "CorporateEvent.objects": "domain/corporates/events.py",
    }
    member_types = {f"AuditEvent.Type.{member.name}" for member in MEMBER_TYPES}
    found = []
    for path in sorted((BASE_DIR / "domain").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        relative = str(path.relative_to(BASE_DIR))
        text = path.read_text(encoding="utf-8")
        for needle, owner in writers.items():
            if f"{needle}.create" in text and relative != owner:
                found.append(f"{relative}: {needle}")
        if relative != "domain/members/events.py":
            found += [f"{relative}: {t}" for t in member_types if t in text]
    assert not found
