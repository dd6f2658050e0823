"""pytest settings: SQLite in memory unless DATABASE_URL is set (CI's PostgreSQL pass)."""

from .base import *  # noqa: F403
from .base import finalise, private_storage

SECRET_KEY = "test-secret-key-" + "t" * 40
DEBUG = False
PASSWORD_HASHERS = [
    # Argon2 stays first so tests exercise the real hasher; low cost keeps the suite fast.
    "tests.hashers.FastArgon2PasswordHasher",
]
if not DATABASE_URL:  # noqa: F405
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
Q_CLUSTER = {
    "name": "membership-test",
    "sync": True,
    "orm": "default",
    "catch_up": False,
    "timeout": 60,
    "retry": 120,
}
SMS_BACKEND = "locmem"
# The gift app's callback secret (tests/factories/gifts.py signs with it).
GIFT_APP_SECRETS = {"onnuri-biz": ["test-gift-app-secret-" + "g7" * 20]}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
VAR_DIR = BASE_DIR / "var" / "test"  # noqa: F405
PRIVATE_MEDIA_ROOT = VAR_DIR / "private"
# The file system, whatever the environment says (tests/conftest.py points it at each test's
# own directory; tests of the S3 backend configure it themselves).
STORAGES = {**STORAGES, "private": private_storage(root=PRIVATE_MEDIA_ROOT)}  # noqa: F405
# SPEC §12; tests/api/contract/test_sandbox_refusal.py turns it off.
SANDBOX_PROVIDERS_ALLOWED = True
DEPLOYMENT_CHECKS_ON_START = False
finalise(globals())
