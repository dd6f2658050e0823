"""Production: everything from the environment; refuses to start without a real secret."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import finalise

if len(SECRET_KEY) < 32:  # noqa: F405
    raise ImproperlyConfigured("SECRET_KEY must be set to at least 32 characters in production.")
DEBUG = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))  # noqa: F405
SECURE_CONTENT_TYPE_NOSNIFF = True
finalise(globals())
