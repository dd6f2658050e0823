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
