"""Serializer plumbing shared by the API areas.

Every value a request gives is bounded where it is read (SPEC §11, §14): an object's id is an
IdField, every other integer has a `max_value`, and every text is one of the text fields below
(TextField, EmailField, RegexField, SlugField), whose check refuses what no kept text may hold
(domain.common.text). tests/api/contract/test_input_fields.py walks every request and query
serializer of the API and fails on a field that is not.
"""

from collections.abc import Iterator

from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.validators import ProhibitSurrogateCharactersValidator

from domain.common.errors import CommonErrorCode
from domain.common.text import refused_character

# The largest id a BigAutoField holds (PostgreSQL bigint, SQLite INTEGER).
ID_MAX = 2**63 - 1
# The largest value of an IntegerField / PositiveIntegerField column on every database.
INTEGER_MAX = 2**31 - 1


class IdField(serializers.IntegerField):
    """An object's id read from a request (a filter, a body): 1 to ID_MAX. A larger one is a
    400 `max_value` here rather than a foreign-key lookup no database can bind (SQLite raised
    OverflowError, a 500)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", ID_MAX)
        super().__init__(**kwargs)


class TextMixin:
    """A text of a request (SPEC §14; domain.common.text): one holding a control character
    (tab and line breaks only with `multiline=True`), an unpaired surrogate or a non-character
    is a 400 `invalid_characters` on the field, before its other checks. REST framework's
    own NUL and surrogate checks are this one's part: one code for all of them."""

    default_error_messages = {
        "invalid_characters": _("Remove the characters that cannot be used (control characters).")
    }

    def __init__(self, *args, multiline: bool = False, **kwargs):
        self.multiline = multiline
        super().__init__(*args, **kwargs)
        self.validators = [
            validator
            for validator in self.validators
            if not isinstance(
                validator, ProhibitNullCharactersValidator | ProhibitSurrogateCharactersValidator
            )
        ]

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if refused_character(value, multiline=self.multiline) is not None:
            raise serializers.ValidationError(
                self.error_messages["invalid_characters"],
                code=CommonErrorCode.INVALID_CHARACTERS,
            )
        return value


class TextField(TextMixin, serializers.CharField):
    """A text of a request: DRF's CharField with the check of TextMixin."""


class EmailField(TextMixin, serializers.EmailField):
    """An email address of a request (Django's validator takes a quoted local part with
    control characters in it)."""


class RegexField(TextMixin, serializers.RegexField):
    """A text of a request that must match a pattern."""


class SlugField(TextMixin, serializers.SlugField):
    """A slug of a request (a document code)."""


def input_fields(serializer, name: str = "") -> Iterator[tuple[str, serializers.Field]]:
    """(dotted name, field) of each value a request gives `serializer` (a class or an
    instance), read-only fields left out: nested serializers are walked (`address.road`), and a
    list's items are named `name[]` (`consents[].document`, `recipients[]`)."""
    if isinstance(serializer, type):
        serializer = serializer()
    if isinstance(serializer, serializers.ListSerializer):
        yield from input_fields(serializer.child, f"{name}[]")
        return
    for field_name, field in serializer.fields.items():
        if not field.read_only:
            yield from _leaves(f"{name}.{field_name}" if name else field_name, field)


def _leaves(name: str, field: serializers.Field) -> Iterator[tuple[str, serializers.Field]]:
    if isinstance(field, serializers.BaseSerializer):
        yield from input_fields(field, name)
    elif isinstance(field, serializers.ListField | serializers.DictField):
        yield from _leaves(f"{name}[]", field.child)
    else:
        yield name, field


# For output serializers on hot reads: the fields are built and bound once per class.
#
# DRF builds a serializer's fields for every instance (a ModelSerializer also introspects the
# model each time): on `members/me/` that was more work than rendering the values. Reading an
# instance does not change a field, so one bound set per class serves every instance, and a
# `SerializerMethodField` calls its method on the current serializer. Input validation and the
# schema still use per-instance fields; do not use this where the fields depend on the context
# or the instance. (A comment, not a docstring: the schema would show it on every serializer.)
class FieldsOnceMixin:
    @classmethod
    def _output_fields(cls) -> list:
        fields = cls.__dict__.get("_output_fields_built")
        if fields is None:
            fields = [field for field in cls().fields.values() if not field.write_only]
            cls._output_fields_built = fields
        return fields

    def to_representation(self, instance) -> dict:
        data = {}
        for field in self._output_fields():
            if isinstance(field, serializers.SerializerMethodField):
                data[field.field_name] = getattr(self, field.method_name)(instance)
                continue
            attribute = field.get_attribute(instance)
            data[field.field_name] = (
                None if attribute is None else field.to_representation(attribute)
            )
        return data


class ChoiceLabelField(serializers.CharField):
    """The label of a choice field's value, as `get_<field>_display()` gives it, read-only.

    `source` names the choice field. DRF calls a `source="get_status_display"` method through
    `inspect.signature` on every row, and Django rebuilds the choices' dict on every call; a
    list of 20 rows spent more on its two labels than on the rest of the row.
    """

    def __init__(self, *, choices, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)
        self.labels = dict(choices)

    def to_representation(self, value) -> str:
        return str(self.labels.get(value, value))


class RejectSerializer(serializers.Serializer):
    """The reason of a staff refusal, texted to the requester. Missing or blank: 400
    `reason_required`, the same on every reject endpoint."""

    told = "the requester"  # who is texted, named by each endpoint's subclass
    reason = TextField(max_length=300, multiline=True, required=False, allow_blank=True, default="")

    def get_fields(self):
        fields = super().get_fields()
        fields[
            "reason"
        ].help_text = f"Why it is rejected; told to {self.told} by SMS. Must not be blank."
        return fields
