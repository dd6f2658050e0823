"""Settings of the server `make bench` starts under gunicorn; never used by a deployment.

Production-like where it matters to the figures (DEBUG off, persistent database connections,
the production middleware and authentication), plus the bench-only URLconf with the bare view.
The database comes from DATABASE_URL (bench/served.py points it at its own PostgreSQL database).
"""

from backend.settings.base import *  # noqa: F403
from backend.settings.base import finalise

SECRET_KEY = "bench-only-not-secret-" + "b" * 40
IDENTITY_HASH_KEY = "bench-only-identity-" + "i" * 40
DEBUG = False
# Not a deployment: backend.wsgi's start-up refusal (backend/checks.py) is for production.
DEPLOYMENT_CHECKS_ON_START = False
# The demo accounts it logs in with are made through the sandbox verification (SPEC §12).
SANDBOX_PROVIDERS_ALLOWED = True
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.urls"
# One connection per worker for the whole run, as a deployment with CONN_MAX_AGE would have;
# connecting per request would swamp both sides of the comparison alike.
DATABASES["default"]["CONN_MAX_AGE"] = 600  # noqa: F405
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {  # noqa: F405
    scope: "1000000/min"
    for scope in REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]  # noqa: F405
}
# The demo company is made by the real sign-up, with a sandbox verification (SPEC §12: allowed
# outside production; `seed_demo` fails without it on a fresh bench database).
SANDBOX_PROVIDERS_ALLOWED = True

# simplejwt's stock view authenticates through django.contrib.auth: Django's ModelBackend
# first (one lookup by the bare ID, one hash check), as a stock project has it. Our login does
# not go through authenticate(); the site-aware backend stays for operators' sessions.
AUTHENTICATION_BACKENDS = [  # noqa: F405
    "django.contrib.auth.backends.ModelBackend",
    *AUTHENTICATION_BACKENDS,  # noqa: F405
]
SMS_BACKEND = "locmem"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LOGGING = {**LOGGING, "root": {"handlers": ["console"], "level": "WARNING"}}  # noqa: F405
finalise(globals())
