"""The API login's per-IP throttle in front of Django's own log-in forms (SPEC §14).

The Django admin and the browsable API's log-in pages are plain Django views, so DRF does not
throttle them. `login_throttled` runs the same DRF throttle with the same scope (`login`,
30/min, keyed by `api.context.client_ip`): attempts on the API, the admin and the browsable
API share one budget per address.
"""

import math
from functools import wraps
from types import SimpleNamespace

from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from rest_framework.throttling import ScopedRateThrottle

TOO_MANY_LOGINS = _("Too many log-in attempts. Try again later.")
_LOGIN_SCOPE = SimpleNamespace(throttle_scope="login")  # what ScopedRateThrottle reads of a view


def login_throttled(view):
    """Wrap a Django log-in view: a POST over the `login` rate answers 429 with Retry-After."""

    @wraps(view)
    def throttled(request, *args, **kwargs):
        if request.method == "POST":
            throttle = ScopedRateThrottle()
            if not throttle.allow_request(request, _LOGIN_SCOPE):
                wait = throttle.wait()
                return HttpResponse(
                    TOO_MANY_LOGINS,
                    status=429,
                    content_type="text/plain; charset=utf-8",
                    headers={"Retry-After": str(math.ceil(wait or 1))},
                )
        return view(request, *args, **kwargs)

    return throttled
