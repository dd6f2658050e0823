"""Production: everything from the environment; refuses to start with an unsafe configuration.

A weak SECRET_KEY stops even `manage.py` here; the rest (sandbox providers, a missing
IDENTITY_HASH_KEY, ...) is backend.checks: `manage.py check --deploy` and the server start.
"""

from django.core.exceptions import ImproperlyConfigured

from backend.keys import key_weakness

from .base import *  # noqa: F403
from .base import finalise

if _weakness := key_weakness(SECRET_KEY):  # noqa: F405
    raise ImproperlyConfigured(f"SECRET_KEY {_weakness}: set a random value in production.")
DEBUG = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))  # noqa: F405
SECURE_CONTENT_TYPE_NOSNIFF = True
# The admin's and Swagger UI's files, served by the app itself (no CDN: SPEC §10): WhiteNoise
# answers STATIC_URL from STATIC_ROOT, which `collectstatic` fills with each file under a name
# carrying its hash (and gzipped), cached by browsers for a year.
_security = MIDDLEWARE.index("django.middleware.security.SecurityMiddleware")  # noqa: F405
MIDDLEWARE = [
    *MIDDLEWARE[: _security + 1],  # noqa: F405
    "whitenoise.middleware.WhiteNoiseMiddleware",
    *MIDDLEWARE[_security + 1 :],  # noqa: F405
]
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
finalise(globals(), identity_key_fallback=False)
