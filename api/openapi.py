"""Schema generation: every operation documents its error answers (SPEC §11, §10).

Views declare the domain codes they can answer with in `error_codes`, either as
`{status: [codes]}` or per action / HTTP method as `{"create": {status: [codes]}}`, always as
members of the per-area `ErrorCode` enums the services raise (domain.<area>.errors). The common
answers (400, 413 and 415 on bodies, 400 on validated query parameters, 401 on views that
authenticate, 403 on protected views, 404 on paths with ids, 429 on throttled views, 503
`database_unavailable` everywhere) are added to every operation, all with the one error body.
tests/api/contract/test_documented_codes.py proves every code a view's services can raise is
documented.
"""

import re

from drf_spectacular.extensions import OpenApiAuthenticationExtension, OpenApiSerializerExtension
from drf_spectacular.openapi import AutoSchema as BaseAutoSchema
from drf_spectacular.plumbing import is_serializer
from drf_spectacular.utils import OpenApiParameter, inline_serializer
from rest_framework import permissions, serializers

from api.authentication import NoAuthentication
from api.idempotency import HEADER as IDEMPOTENCY_HEADER
from api.idempotency import idempotency_refusals
from api.permissions import PUBLIC, access_refusals, declared
from api.serializers import TextMixin, input_fields
from domain.common.errors import CommonErrorCode as Common
from domain.common.errors import ErrorCode
from domain.consents.errors import ConsentErrorCode
from domain.members.errors import MemberErrorCode
from domain.sites.errors import SiteErrorCode


class ConsentDocumentRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    version = serializers.IntegerField()
    title = serializers.CharField()


class RecipientRowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(
        help_text="The row's number as Excel shows it (uploads) or its position (inline lists)."
    )
    column = serializers.CharField(
        help_text="`name`, `mobile`, `amount`, or empty for the whole list (too many rows)."
    )
    code = serializers.CharField(
        help_text="`name_required`, `invalid_characters` (a control character in the name), "
        "`name_too_long`, `invalid_phone`, `invalid_gift_amount`, `gift_amount_too_large` (over "
        "the site's `dispatch_max_gift_amount`), `duplicate_mobile` or `too_many_recipients`."
    )
    detail = serializers.CharField(help_text="Human message for the row.")


class ErrorItemSerializer(serializers.Serializer):
    """One error. Besides `code`, `detail` and `attr`, some codes carry machine-readable data
    (a DomainError's `extra`); every such field is listed here, present only with its codes
    (tests/api/contract/test_contract.py keeps the list complete)."""

    code = serializers.CharField(help_text="Stable machine code, e.g. `invalid_credentials`.")
    detail = serializers.CharField(help_text="Human message (Korean, or English on request).")
    attr = serializers.CharField(
        allow_null=True, help_text="The field the error concerns (dotted path), or null."
    )
    attempts_left = serializers.IntegerField(
        required=False,
        help_text="A wrong SMS code or signature: tries left before the verification fails.",
    )
    hint = serializers.CharField(
        required=False, help_text="`already_registered`: what to do instead (`find_id`)."
    )
    guidance = serializers.CharField(
        required=False, help_text="Library upgrade refusals: the manual's guidance to show."
    )
    missing = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="`consent_required` at sign-up: the required document codes not agreed. "
        "`missing_columns`: the recipient columns not found (`name`, `mobile`, `amount`).",
    )
    documents = ConsentDocumentRefSerializer(
        many=True,
        required=False,
        help_text="`consent_required` after login: the documents to agree to again.",
    )
    document = serializers.CharField(
        required=False, help_text="Consent refusals: the document code concerned."
    )
    current_version = serializers.IntegerField(
        required=False, help_text="`consent_version_outdated`: the version to answer."
    )
    kinds = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="`unknown_member_kind`: the member kinds of the site.",
    )
    remaining = serializers.IntegerField(
        required=False,
        help_text="`monthly_limit_exceeded`: won still purchasable this month (SPEC §7.3).",
    )
    reserved = serializers.IntegerField(
        required=False,
        help_text="`balance_reserved`: won of the purchase held by dispatches not yet sent.",
    )
    gift_status = serializers.CharField(
        required=False,
        help_text="`gift_already_decided`: what the recipient decided (`received`, `refused`).",
    )
    recipients = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        help_text="`recipient_not_reclaimable`: the ids that are not unreceived gifts of the "
        "dispatch (nothing was reclaimed).",
    )
    character = serializers.CharField(
        required=False,
        help_text="`unsupported_character`: the first character a text message cannot carry.",
    )
    largest_sendable = serializers.IntegerField(
        required=False,
        help_text="`insufficient_single_purchase_balance`: the most won one dispatch can send "
        "now (the largest usable balance of one purchase; SPEC §7.4).",
    )
    row_errors = RecipientRowErrorSerializer(
        many=True,
        required=False,
        help_text="`invalid_recipients`, `too_many_recipients`: every refused row of the "
        "recipients (nothing was kept).",
    )


class ErrorResponseSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="`validation_error`, `client_error` or `server_error`.")
    errors = ErrorItemSerializer(many=True)


COMMON_CODES: dict[int, list[ErrorCode]] = {
    400: [Common.INVALID, Common.REQUIRED, Common.NULL, Common.BLANK, Common.PARSE_ERROR],
    401: [
        Common.NOT_AUTHENTICATED,
        Common.AUTHENTICATION_FAILED,
        Common.TOKEN_NOT_VALID,
        Common.TOKEN_SITE_MISMATCH,
        Common.USER_NOT_FOUND,
        Common.USER_INACTIVE,
    ],
    403: [
        Common.PERMISSION_DENIED,
        ConsentErrorCode.CONSENT_REQUIRED,
        MemberErrorCode.PASSWORD_CHANGE_REQUIRED,
    ],
    404: [Common.NOT_FOUND, SiteErrorCode.SITE_NOT_FOUND],
    405: [Common.METHOD_NOT_ALLOWED],
    413: [Common.REQUEST_TOO_LARGE],
    415: [Common.UNSUPPORTED_MEDIA_TYPE],
    429: [Common.THROTTLED],
    503: [Common.DATABASE_UNAVAILABLE],
}
DESCRIPTIONS = {
    400: "Validation error",
    401: "Not authenticated",
    403: "Forbidden",
    404: "Not found",
    409: "Conflict",
    413: "Request too large",
    415: "Unsupported media type",
    429: "Too many requests",
    503: "Service unavailable",
}


# What every file answer carries (api/files.py content_disposition).
ATTACHMENT = {
    "schema": {"type": "string"},
    "description": "`attachment; filename=\"…\"`, with `filename*=UTF-8''…` (RFC 6266) for a "
    "Korean name: the name to save the file under.",
}
# The answers that carry `Retry-After` (api/errors.py, api/throttles.py, api/idempotency.py).
RETRY_AFTER_STATUSES = (429, 503)
RETRY_AFTER = {
    "schema": {"type": "integer", "minimum": 1},
    "description": "Seconds to wait before trying again.",
}


def _declared_codes(view, action: str | None, method: str) -> dict[int, list[ErrorCode]]:
    declared = getattr(view, "error_codes", {}) or {}
    if declared and all(isinstance(key, str) for key in declared):
        declared = declared.get(action or "", declared.get(method.lower(), {}))
    return {int(status): list(codes) for status, codes in declared.items()}


def authenticates(view) -> bool:
    """Whether a request to `view` can carry a logged-in member."""
    return any(not isinstance(a, NoAuthentication) for a in view.get_authenticators())


class AutoSchema(BaseAutoSchema):
    def _is_protected(self) -> bool:
        if hasattr(self.view, "access"):  # our views: the declaration says (api.permissions)
            return declared(self.view, self.method) != PUBLIC
        open_classes = (permissions.AllowAny,)
        return any(
            not isinstance(permission, open_classes) for permission in self.view.get_permissions()
        )

    def get_auth(self):
        auths = super().get_auth()
        if hasattr(self.view, "access") and not self._is_protected() and {} not in auths:
            auths.append({})  # a public method: authentication is optional
        return auths

    def _checks_required_actions(self) -> bool:
        """A logged-in caller of a site's view can be stopped by a pending required action
        (api.base: `consent_required`, `password_change_required`), even on a public view."""
        return hasattr(self.view, "required_action_exempt") and authenticates(self.view)

    def _idempotent(self) -> bool:
        """The view takes an `Idempotency-Key` on this method (api.idempotency)."""
        return self.method in getattr(self.view, "idempotent_methods", ())

    def _validates_query(self) -> bool:
        """The operation's query parameters are validated — a serializer of the view (the
        history filters) or django-filter's filterset — so a bad value is a 400."""
        filtered = getattr(self.view, "filterset_fields", None) or getattr(
            self.view, "filterset_class", None
        )
        return bool(filtered) or any(is_serializer(p) for p in self.get_override_parameters())

    def _input_serializers(self) -> list:
        """The serializers of the operation's body and of its validated query parameters."""
        found = []
        if self.method in ("POST", "PUT", "PATCH"):
            request = self.get_request_serializer()
            found += list(request.values()) if isinstance(request, dict) else [request]
        found += self.get_override_parameters()
        return [serializer for serializer in found if is_serializer(serializer)]

    def _takes_text(self) -> bool:
        """A text field of the body or query (api.serializers.TextMixin) can answer
        `invalid_characters`."""
        return any(
            isinstance(field, TextMixin)
            for serializer in self._input_serializers()
            for _name, field in input_fields(serializer)
        )

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if self._idempotent():
            parameters.append(
                OpenApiParameter(
                    IDEMPOTENCY_HEADER,
                    str,
                    OpenApiParameter.HEADER,
                    required=self.view.idempotency_key_required,
                    description=(
                        "1–255 printable ASCII characters, unique per request to the caller. "
                        "Sending the same key and body again within 24 h replays the first "
                        "answer (status and body) with `Idempotent-Replayed: true`; the same key "
                        "with another body is a 409 `idempotency_key_reused` (SPEC §14)."
                    ),
                )
            )
        return parameters

    def error_statuses(self) -> dict[int, list[ErrorCode]]:
        """Each error status this operation documents, with its codes (declared + common)."""
        statuses: dict[int, list[ErrorCode]] = {}
        declared = _declared_codes(self.view, getattr(self.view, "action", None), self.method)
        if self.method in ("POST", "PUT", "PATCH"):
            statuses[400] = []
            statuses[413] = []
            statuses[415] = []
        elif self.method == "GET" and self._validates_query():
            statuses[400] = []
        if self._is_protected() or authenticates(self.view):
            # A public method of a view that authenticates refuses a bad token too (401).
            statuses[401] = []
        if self._is_protected() or self._checks_required_actions():
            statuses[403] = []
        if "{" in self.path:
            statuses[404] = []
        if self._takes_text():
            statuses.setdefault(400, []).append(Common.INVALID_CHARACTERS)
        if self.view.get_throttles():
            statuses[429] = []
        statuses[503] = []
        for source in (
            declared,
            access_refusals(self.view, self.method),
            idempotency_refusals(self.view, self.method),
        ):
            for status, codes in source.items():
                statuses.setdefault(status, []).extend(codes)
        common = dict(COMMON_CODES)
        if not self.view.get_authenticators():  # no login at all (the gift app's callbacks)
            common.pop(401)
        return {
            status: sorted(set(codes) | set(common.get(status, [])))
            for status, codes in sorted(statuses.items())
        }

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for response in responses.values():  # a download or an export (api/files.py)
            contents = response.get("content", {}).values()
            if any(content["schema"].get("format") == "binary" for content in contents):
                response.setdefault("headers", {})["Content-Disposition"] = ATTACHMENT
        for status, codes in self.error_statuses().items():
            key = str(status)
            if key in responses:
                continue
            response = self._get_response_for_code(
                ErrorResponseSerializer, key, direction=direction
            )
            label = DESCRIPTIONS.get(status, "Error")
            response["description"] = f"{label}. Codes: " + ", ".join(f"`{c}`" for c in codes)
            if status in RETRY_AFTER_STATUSES or Common.IDEMPOTENCY_IN_PROGRESS in codes:
                response["headers"] = {"Retry-After": RETRY_AFTER}
            responses[key] = response
        return responses


class AnyOfSerializer(serializers.Serializer):
    """An answer with one shape per kind of caller, where one shape is a superset of another
    (the operator's view of a corporate holds every field of its managers' view): documented as
    `anyOf`. drf-spectacular's PolymorphicProxySerializer says `oneOf`, which the larger shape,
    valid under both, does not match. Schema only: it renders nothing."""

    def __init__(self, *, component_name: str, serializers: list, **kwargs):
        self.component_name = component_name
        self.serializers = serializers
        super().__init__(**kwargs)


class AnyOfScheme(OpenApiSerializerExtension):
    target_class = AnyOfSerializer

    def get_name(self, auto_schema, direction):
        return self.target.component_name

    def map_serializer(self, auto_schema, direction):
        return {
            "anyOf": [
                auto_schema.resolve_serializer(shape, direction).ref
                for shape in self.target.serializers
            ]
        }


class SiteJWTScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.SiteJWTAuthentication"
    name = "jwtAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": "Access token from `sites/{site}/auth/token/`; valid on that site only.",
        }


class SiteSessionScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.SiteSessionAuthentication"
    name = "sessionAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}


__all__ = ["AnyOfSerializer", "AutoSchema", "ErrorResponseSerializer", "inline_serializer"]


# --- OpenAPI links (`make fuzz`'s stateful phase, and clients) -------------------------------

LINK_METHODS = ("get", "post", "put", "patch", "delete")


def _id_pointer(schema: dict, components: dict, depth: int = 0) -> str | None:
    """Where an answer of `schema` holds an object's `id`: `/id` (an object), `/results/0/id`
    (a page), `/0/id` (a list); None when it holds none."""
    if depth > 5 or not isinstance(schema, dict):
        return None
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return _id_pointer(components.get(name, {}), components, depth + 1)
    for key in ("allOf", "anyOf", "oneOf"):
        if schema.get(key):
            return _id_pointer(schema[key][0], components, depth + 1)
    properties = schema.get("properties", {})
    if "id" in properties:
        return "/id"
    if schema.get("type") == "array":
        inner = _id_pointer(schema.get("items", {}), components, depth + 1)
        return f"/0{inner}" if inner == "/id" else None
    if "results" in properties:
        inner = _id_pointer(properties["results"], components, depth + 1)
        return f"/results{inner}" if inner == "/0/id" else None
    return None


def links_add(result, generator, request, public):
    """drf-spectacular post-processing hook: OpenAPI links from the URL layout.

    An answer of `<collection>` or `<collection>{id}/` (2xx, JSON) whose body holds an object's
    `id` links to every other operation under `<collection>{id}/`: `id` from the body, the
    other path parameters the two paths share (`site`) from the request. drf-spectacular has no
    links of its own; deriving them keeps every operation added later linked. What the schema
    cannot say: ids that reach a client outside an answer (an invitation's token, texted), or
    inside request bodies (a statement's rows to confirm).
    """
    components = result.get("components", {}).get("schemas", {})
    paths = result.get("paths", {})
    for path, item in paths.items():
        collection = path.removesuffix("{id}/")
        targets = [
            (other, method, operation)
            for other, other_item in paths.items()
            if other.startswith(f"{collection}{{id}}/")
            for method, operation in other_item.items()
            if method in LINK_METHODS
        ]
        shared = set(re.findall(r"\{(\w+)\}", path)) - {"id"}
        for method, operation in item.items():
            if method not in LINK_METHODS:
                continue
            for status, response in operation.get("responses", {}).items():
                body = (response.get("content") or {}).get("application/json", {})
                pointer = status.startswith("2") and _id_pointer(body.get("schema"), components)
                if not pointer:
                    continue
                links = {}
                for other, other_method, target in targets:
                    if (other, other_method) == (path, method):
                        continue
                    wanted = set(re.findall(r"\{(\w+)\}", other))
                    parameters = {"id": f"$response.body#{pointer}"}
                    parameters |= {
                        name: f"$request.path.{name}" for name in sorted(wanted & shared)
                    }
                    links[target["operationId"]] = {
                        "operationId": target["operationId"],
                        "parameters": parameters,
                    }
                if links:
                    response["links"] = links
    return result
