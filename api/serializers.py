"""Serializer plumbing shared by the API areas."""

from rest_framework import serializers

# The largest id a BigAutoField holds (PostgreSQL bigint, SQLite INTEGER).
ID_MAX = 2**63 - 1


class IdField(serializers.IntegerField):
    """An object's id read from a request (a filter, a body): 1 to ID_MAX. A larger one is a
    400 `max_value` here rather than a foreign-key lookup no database can bind (SQLite raised
    OverflowError, a 500)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", ID_MAX)
        super().__init__(**kwargs)


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
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")

    def get_fields(self):
        fields = super().get_fields()
        fields[
            "reason"
        ].help_text = f"Why it is rejected; told to {self.told} by SMS. Must not be blank."
        return fields
