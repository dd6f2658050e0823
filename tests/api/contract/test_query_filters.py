"""List filters from the query string (api.filters.query_filters): a list
request without any filter costs no serializer, and one with filters is validated as before."""

import pytest
from django.http import QueryDict
from rest_framework.exceptions import ValidationError

from api.dispatches.serializers import DispatchFilterSerializer
from api.filters import query_filters


def test_no_filter_in_the_query_is_no_filter_and_builds_no_serializer(monkeypatch):
    def built(*args, **kwargs):
        raise AssertionError("the serializer was built")

    monkeypatch.setattr(DispatchFilterSerializer, "__init__", built)
    assert query_filters(DispatchFilterSerializer, QueryDict("page=2&page_size=10")) == {}


def test_filters_in_the_query_are_validated():
    found = query_filters(DispatchFilterSerializer, QueryDict("status=pending&page=2"))
    assert found == {"status": "pending"}
    with pytest.raises(ValidationError):
        query_filters(DispatchFilterSerializer, QueryDict("period=someday"))
