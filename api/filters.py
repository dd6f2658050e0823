"""Query parameters shared by the onnuri-biz history lists (domain.common.periods)."""

from rest_framework import serializers

from api.serializers import IdField
from domain.common.periods import PERIODS


class HistoryFilterSerializer(serializers.Serializer):
    """History filters (SPEC §7.3, §7.4; manual 004 구매내역/발송내역 검색). Dates are
    Asia/Seoul, inclusive; `corporate` matters to staff, who see every company of the site."""

    period = serializers.ChoiceField(choices=PERIODS, required=False)
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)
    corporate = IdField(required=False)


def query_filters(serializer_class: type[serializers.Serializer], query_params) -> dict:
    """The list filters of the query string, validated by `serializer_class` (a 400 when
    invalid); none of its fields present → no filter, without building the serializer (its
    fields are built per instance: most list requests carry no filter)."""
    if not any(name in query_params for name in serializer_class._declared_fields):
        return {}
    filters = serializer_class(data=query_params)
    filters.is_valid(raise_exception=True)
    return filters.validated_data
