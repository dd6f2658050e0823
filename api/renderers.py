"""The renderers of every answer: JSON, and the browsable API operators use (SPEC §1, §11).

JSON: a date-time is written in Korean time (SPEC §10: Asia/Seoul, `+09:00`) even when a view
hands over a raw UTC value; serializer fields already convert, this covers the rest.

The browsable API's forms are a convenience drawn beside the answer: building one must never
turn an answer into a 500. REST framework only tolerates its own exceptions there, and asks
every list view for a queryset even when the list is built in memory (consents, social
accounts, the members menu); this renderer skips what a view cannot give.
"""

from datetime import datetime

from django.utils import timezone
from rest_framework import exceptions, renderers
from rest_framework.utils.encoders import JSONEncoder as BaseJSONEncoder

from domain.common.errors import DomainError


class JSONEncoder(BaseJSONEncoder):
    def default(self, obj):
        if isinstance(obj, datetime) and timezone.is_aware(obj):
            return timezone.localtime(obj).isoformat()
        return super().default(obj)


class JSONRenderer(renderers.JSONRenderer):
    encoder_class = JSONEncoder


# What a form may meet while asking the view for a serializer: a hidden capability, an object
# outside the caller's scope, a refused state (the answer itself already says so).
FORM_REFUSALS = (DomainError, exceptions.APIException)


def _has_queryset(view) -> bool:
    # Not at the top: REST framework imports this module (DEFAULT_RENDERER_CLASSES) while
    # rest_framework.views is still loading, and generics imports views.
    from rest_framework import generics

    method = getattr(type(view), "get_queryset", None)
    if method is None:
        return False
    return method is not generics.GenericAPIView.get_queryset or view.queryset is not None


class BrowsableAPIRenderer(renderers.BrowsableAPIRenderer):
    def get_filter_form(self, data, view, request):
        if not getattr(view, "filter_backends", None) or not _has_queryset(view):
            return None
        try:
            return super().get_filter_form(data, view, request)
        except FORM_REFUSALS:
            return None

    def get_rendered_html_form(self, data, view, method, request):
        try:
            return super().get_rendered_html_form(data, view, method, request)
        except FORM_REFUSALS:
            return None

    def get_raw_data_form(self, data, view, method, request):
        try:
            return super().get_raw_data_form(data, view, method, request)
        except FORM_REFUSALS:
            return None
