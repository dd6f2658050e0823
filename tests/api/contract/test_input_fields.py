"""Every value a request gives is bounded where it is read (SPEC §11, §14; api.serializers).

The body and query serializers of every API operation are walked (api.serializers.input_fields:
nested serializers and list items included), and each field a request fills must be one of:
- a text field with the one check (api.serializers.TextMixin, domain.common.text): a control
  character, an unpaired surrogate or a non-character is `invalid_characters`;
- an integer with both bounds, and the one IdField when it names an object (`id`, `…_id`, or a
  model's name, a list of them in the plural): nothing reaches the database past its columns;
- a kind that holds neither free text nor an unbounded number (choices, booleans, dates, UUIDs,
  files — Django keeps only the printable characters of a file's name —, bounded decimals);
- or a field whose content a service checks, listed in CHECKED_ELSEWHERE with that service.
"""

import re

import pytest
from django.apps import apps
from rest_framework import serializers

from api.dispatches.views_create import RecipientListField
from api.serializers import ID_MAX, IdField, TextMixin, input_fields
from domain.common.errors import CommonErrorCode
from tests.api.contract.live_operations import live_operations
from tests.schema_operations import operations as schema_operations

SAFE_KINDS = (
    serializers.ChoiceField,  # and MultipleChoiceField
    serializers.BooleanField,
    serializers.DateField,
    serializers.DateTimeField,
    serializers.UUIDField,
    serializers.FileField,  # and ImageField
)
# Fields whose content is checked by a service, with the check.
CHECKED_ELSEWHERE = {
    RecipientListField: "domain.dispatches.recipients.recipients_check: each row's name (the "
    "text check), mobile and amount (the site's maximum)",
}
# Integers whose lower bound is a service's refusal with its own code, with that refusal.
LOWER_BOUND_BY_SERVICE = {
    ("POST /api/v1/sites/{site}/purchases/", "amount"): "purchase_request: not positive is "
    "`invalid_purchase_amount`",
}
REFUSED = ["a\x01b", "a\x00b", "a\x0bb", "a\x85b", "a\ud800b", "a\uffffb"]


@pytest.fixture(scope="module")
def fields(django_db_blocker) -> list[tuple[str, str, serializers.Field]]:
    """(operation, dotted name, field) of every field of every request and query serializer."""
    found = []
    with live_operations() as operations:
        for path, method, view in operations:
            schema = view.schema
            for serializer in schema._input_serializers():
                for name, field in input_fields(serializer):
                    found.append((f"{method} {path}", name, field))
    return found


def object_names() -> set[str]:
    """What names an object in a request: each model's name, the last word of its class name
    (`upload` of RecipientUpload) and its relations' names (`home_library`)."""
    names = set()
    for model in apps.get_models():
        if not model.__module__.startswith("domain."):
            continue
        names.add(model._meta.model_name)
        names.add(re.findall(r"[A-Z][a-z]*", model.__name__)[-1].lower())
        names.update(f.name for f in model._meta.get_fields() if f.is_relation and f.concrete)
    return names


def names_an_object(dotted: str, names: set[str]) -> bool:
    base = dotted.rsplit(".", 1)[-1].removesuffix("[]")
    if base == "id" or base.endswith("_id"):
        return True
    return base in names or base.removesuffix("s") in names


def test_the_walk_sees_every_kind_of_request_field(fields):
    seen = {(operation, name) for operation, name, _ in fields}
    site = "/api/v1/sites/{site}/"
    for expected in [
        ("PATCH", "dispatches/{id}/", "title"),
        ("POST", "corporates/", "company_name"),
        ("POST", "members/", "address.road"),  # a nested serializer
        ("POST", "members/", "consents[].document"),  # a list of serializers
        ("POST", "dispatches/{id}/reclaim/", "recipients[]"),  # a list of ids
        ("GET", "purchases/", "corporate"),  # a query filter
        ("POST", "purchases/deposits/confirm/", "matches[].row"),
    ]:
        method, path, name = expected
        assert (f"{method} {site}{path}", name) in seen, expected
    assert len({operation for operation, _, _ in fields}) > 40


def test_every_text_field_of_a_request_refuses_control_characters(fields):
    unchecked, accepted = [], []
    for operation, name, field in fields:
        if not isinstance(field, serializers.CharField):
            continue
        if not isinstance(field, TextMixin):
            unchecked.append(f"{operation} {name}: {type(field).__name__}")
            continue
        for value in REFUSED:
            try:
                field.run_validation(value)
            except serializers.ValidationError as refused:
                if refused.detail[0].code != CommonErrorCode.INVALID_CHARACTERS:
                    accepted.append(f"{operation} {name} {value!r}: {refused.detail[0].code}")
            else:
                accepted.append(f"{operation} {name} {value!r}")
    assert unchecked == [], "text fields without the check (use api.serializers.TextField)"
    assert accepted == []


def test_only_fields_of_several_lines_keep_line_breaks(fields):
    multiline = {
        (operation, name)
        for operation, name, field in fields
        if isinstance(field, TextMixin) and field.multiline
    }
    assert {name for _, name in multiline} == {"body", "reason"}


def test_every_integer_of_a_request_is_bounded_and_every_id_is_an_id_field(fields):
    names = object_names()
    assert {"recipient", "upload", "corporate", "row", "home_library", "purchase"} <= names
    unbounded, not_ids = [], []
    for operation, name, field in fields:
        if not isinstance(field, serializers.IntegerField):
            continue
        below = field.min_value is not None or (operation, name) in LOWER_BOUND_BY_SERVICE
        if not below or field.max_value is None or field.max_value > ID_MAX:
            unbounded.append(f"{operation} {name}")
        if names_an_object(name, names) and not isinstance(field, IdField):
            not_ids.append(f"{operation} {name}")
    assert unbounded == []
    assert not_ids == [], "ids not read with api.serializers.IdField"


def test_every_other_field_is_a_safe_kind_or_checked_by_a_service(fields):
    unknown = []
    for operation, name, field in fields:
        if isinstance(field, (serializers.CharField, serializers.IntegerField, *SAFE_KINDS)):
            continue
        if isinstance(field, serializers.DecimalField) and field.max_digits is not None:
            continue
        if type(field) in CHECKED_ELSEWHERE:
            continue
        unknown.append(f"{operation} {name}: {type(field).__name__}")
    assert unknown == []


def test_an_id_past_the_database_range_is_refused_by_every_id_field(fields):
    for operation, name, field in fields:
        if isinstance(field, IdField):
            with pytest.raises(serializers.ValidationError) as refused:
                field.run_validation(2**64)
            assert refused.value.detail[0].code == "max_value", (operation, name)


def test_the_schema_documents_invalid_characters_where_a_text_is_taken():
    """api.openapi adds `invalid_characters` to the 400 of every operation whose body or query
    has a text field (and the recipients' views list it among their row codes)."""

    def codes(method: str, path: str) -> str:
        operation = next(op for op in schema_operations() if (op.method, op.path) == (method, path))
        return operation.spec["responses"]["400"]["description"]

    site = "/api/v1/sites/{site}/"
    for method, path in [
        ("patch", "dispatches/{id}/"),
        ("post", "dispatches/"),
        ("post", "corporates/"),
        ("post", "dispatches/recipients/upload/"),  # a row's name
        ("get", "consent-documents/"),  # a query's text
    ]:
        assert "`invalid_characters`" in codes(method, site + path), (method, path)
    for method, path in [("post", "dispatches/{id}/reclaim/"), ("get", "purchases/")]:
        assert "`invalid_characters`" not in codes(method, site + path), (method, path)
