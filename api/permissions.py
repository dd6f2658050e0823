"""Permissions are declared, not coded (SPEC §8; STYLE: Sentry `scope_map`, PostHog routing).

Every view says, per HTTP method, who may call it:

    access = {"GET": Capability.PROFILE, "POST": PUBLIC}

A value is `PUBLIC` (anyone, logged in or not), a `Capability` or a tuple of capabilities (any
one suffices); the roles that hold each capability are in one table,
`domain.common.capabilities.ROLE_CAPABILITIES`, and `domain.capabilities.member_can` resolves
them. `Access` is the one permission class that reads the declaration. A view class that
handles a method it does not declare is refused when it is defined
(`DeclaredAccessMixin.__init_subclass__`), and REST framework's default for anything else is
`DenyAll`. A view may also name the site `feature` it belongs to (SPEC §2): on a site
whose policy lacks it, every method is a 404 `feature_not_available`.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, permissions

from domain.capabilities import member_can
from domain.common.capabilities import HIDDEN, Capability
from domain.common.errors import CommonErrorCode, NotFound

PUBLIC = "public"
# Methods not declared separately: OPTIONS describes the endpoint to whoever may call one of
# its methods (api.metadata lists only those), HEAD follows GET.
IMPLICIT_METHODS = frozenset({"options", "head"})


class DenyAll(permissions.BasePermission):
    """REST framework's default: a view that declares nothing is closed."""

    def has_permission(self, request, view) -> bool:
        return False


def feature_not_available() -> NotFound:
    return NotFound(
        CommonErrorCode.FEATURE_NOT_AVAILABLE, _("This site does not offer this service.")
    )


def declared(view, method: str):
    """The declaration for `method` (HEAD follows GET); None if undeclared."""
    method = method.upper()
    access = getattr(view, "access", None) or {}
    return access.get("GET" if method == "HEAD" else method)


class Access(permissions.BasePermission):
    """Reads the view's `access` declaration and the capability table.

    Anonymous callers of a protected method get 401 (authentication decides the answer); a
    member without the capability gets 403, or 404 for capabilities whose existence is not
    told (`domain.common.capabilities.HIDDEN`; the view may name the 404 with `denied_error`).
    OPTIONS is allowed to whoever may call one of the declared methods, and denied as they are.
    """

    def has_permission(self, request, view) -> bool:
        site = getattr(view, "site", None)
        feature = getattr(view, "feature", None)
        if feature and site is not None and feature not in site.rules.features:
            raise _as_api(feature_not_available())
        if request.method == "OPTIONS":
            requirements = list(getattr(view, "access", {}).values())
        else:
            requirements = [declared(view, request.method)]
        hidden = True
        for required in requirements:
            if required is None:
                continue
            if _granted(request.user, site, required):
                return True
            hidden = hidden and _hidden(required)
        user = request.user
        if hidden and requirements and user and user.is_authenticated:
            denied = getattr(view, "denied_error", None)
            raise _as_api(denied() if denied else NotFound())
        return False


def _as_api(error: NotFound) -> exceptions.NotFound:
    # REST framework's own form and OPTIONS rendering catch only its exception family.
    return exceptions.NotFound(error.message, code=error.code)


def access_refusals(view, method: str) -> dict[int, list]:
    """The 404 codes `Access` can answer for `method` of `view` (documented by api.openapi):
    the feature gate, and the refusal of a capability whose existence is not told."""
    codes = []
    if getattr(view, "feature", None):
        codes.append(CommonErrorCode.FEATURE_NOT_AVAILABLE)
    required = declared(view, method)
    if required is not None and _hidden(required):
        denied = getattr(view, "denied_error", None)
        codes.append(denied().code if denied else CommonErrorCode.NOT_FOUND)
    return {404: codes} if codes else {}


def _wanted(required) -> tuple:
    return required if isinstance(required, tuple) else (required,)


def _granted(user, site, required) -> bool:
    if required == PUBLIC:
        return True
    if not (user and user.is_authenticated) or site is None:
        return False
    return any(member_can(user, site, capability) for capability in _wanted(required))


def _hidden(required) -> bool:
    return required != PUBLIC and all(capability in HIDDEN for capability in _wanted(required))


class DeclaredAccessMixin:
    """Base of every API view: `Access` is its one permission class, and a subclass that
    handles a method without declaring it is an error at import time (PostHog's routing
    pattern: a subclass cannot forget)."""

    permission_classes = [Access]
    access: dict = {}
    feature: str | None = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.permission_classes != [Access]:
            raise ImproperlyConfigured(
                f"{cls.__qualname__}: declare `access`, do not set permission_classes."
            )
        handled = {
            m for m in cls.http_method_names if m not in IMPLICIT_METHODS and hasattr(cls, m)
        }
        access = {key.upper(): value for key, value in (cls.access or {}).items()}
        missing = sorted(m.upper() for m in handled if m.upper() not in access)
        if missing:
            raise ImproperlyConfigured(
                f"{cls.__qualname__} handles {', '.join(missing)} without an `access` "
                "declaration (api.permissions)."
            )
        for method, value in access.items():
            values = value if isinstance(value, tuple) else (value,)
            if not all(v == PUBLIC or isinstance(v, Capability) for v in values):
                raise ImproperlyConfigured(f"{cls.__qualname__}: bad access for {method}.")
        cls.access = access
