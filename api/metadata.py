"""OPTIONS answers (REST framework metadata) that never fail.

The actions listed are those the caller may take (the same `access` declaration decides; a
refusal by the capability table is a DomainError, which REST framework's own metadata class
does not expect). A view whose input is not described by a `serializer_class` (request bodies
declared per method for the schema) lists the action without fields instead of failing.
"""

from rest_framework import exceptions
from rest_framework.metadata import SimpleMetadata
from rest_framework.request import clone_request

from domain.common.errors import DomainError


class Metadata(SimpleMetadata):
    def determine_actions(self, request, view):
        actions = {}
        for method in {"PUT", "POST"} & set(view.allowed_methods):
            view.request = clone_request(request, method)
            try:
                view.check_permissions(view.request)
            except (exceptions.APIException, DomainError):
                continue
            else:
                actions[method] = self._serializer_info(view)
            finally:
                view.request = request
        return actions

    def _serializer_info(self, view) -> dict:
        from rest_framework.generics import GenericAPIView  # imports this module's settings

        described = getattr(view, "serializer_class", None) is not None or (
            type(view).get_serializer_class is not GenericAPIView.get_serializer_class
        )
        return self.get_serializer_info(view.get_serializer()) if described else {}
