"""Settings shared by every environment; everything that differs comes from the environment.

Each variable read here is documented in README.md ("Environment variables").
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from backend.keys import gift_app_secrets_parse

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).lower() in {"1", "true", "yes", "on"}


SECRET_KEY = os.environ.get("SECRET_KEY", "")
# Keyed hashes of CI/DI and one-time codes (SPEC §4, §14); separate from SECRET_KEY so rotating
# session signing does not orphan duplicate-sign-up checks.
IDENTITY_HASH_KEY = os.environ.get("IDENTITY_HASH_KEY", "")
DEBUG = env_bool("DEBUG")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1")
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "django_filters",
    "api",  # before drf_spectacular: its `spectacular` command defaults to English
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_q",
    "domain.common",
    "domain.sites",
    "domain.members",
    "domain.audit",
    "domain.messaging",
    "domain.consents",
    "domain.verifications",
    "domain.library",
    "domain.corporates",
    "domain.purchases",
    "domain.dispatches",
    "workers",
    "demo",  # `manage.py seed_demo` (development only)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "api.middleware.RequestSizeLimitMiddleware",  # before anything reads the body
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "api.context.RequestContextMiddleware",  # request.audit_context for the admin
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "backend.urls"
WSGI_APPLICATION = "backend.wsgi.application"
ASGI_APPLICATION = "backend.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# DATABASE_URL chooses PostgreSQL (postgres://...) or SQLite (sqlite:///path); the embedded
# default is SQLite at var/db.sqlite3. Every SQLite database gets WAL mode, a busy timeout and
# IMMEDIATE transactions, so the API and the worker can share one file (SPEC §9).
SQLITE_ENGINE = "backend.sqlite"
SQLITE_OPTIONS = {
    "timeout": 20,
    "transaction_mode": "IMMEDIATE",
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}


def database_settings(url: str, default_sqlite_path: Path) -> dict:
    """The `default` database from DATABASE_URL (or the SQLite file) and DB_CONN_* variables.

    Persistent connections are off by default: a threaded server keeps one per thread, and
    PostgreSQL refuses new ones once they pile up. Health checks follow when they are on.
    """
    conn_max_age = int(os.environ.get("DB_CONN_MAX_AGE", "0"))
    if url:
        database = dj_database_url.parse(url)
    else:
        default_sqlite_path.parent.mkdir(parents=True, exist_ok=True)
        database = {"ENGINE": "django.db.backends.sqlite3", "NAME": default_sqlite_path}
    database["CONN_MAX_AGE"] = conn_max_age
    database["CONN_HEALTH_CHECKS"] = env_bool("DB_CONN_HEALTH_CHECKS", conn_max_age > 0)
    if database["ENGINE"] in {"django.db.backends.sqlite3", SQLITE_ENGINE}:
        # Django's, with the threads of a process queueing for the write lock (backend/sqlite).
        database["ENGINE"] = SQLITE_ENGINE
        database["OPTIONS"] = {**SQLITE_OPTIONS, **database.get("OPTIONS", {})}
    return database


DATABASE_URL = os.environ.get("DATABASE_URL", "")
DATABASES = {"default": database_settings(DATABASE_URL, VAR_DIR / "db.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (throttles, lockout counters) ----------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "members.Member"
AUTHENTICATION_BACKENDS = ["domain.members.backends.SiteMemberBackend"]
# Argon2id first (SPEC §14); the others only verify hashes made elsewhere before upgrading them.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# The site's own rule is applied by domain.members.passwords on top of these (SPEC §2, §14).
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "email", "name")},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# USERNAME_FIELD is unique per site, not globally: the site-aware backend resolves it.
SILENCED_SYSTEM_CHECKS = ["auth.W004"]

# --- Internationalisation (SPEC §10) --------------------------------------------------------
LANGUAGE_CODE = "ko"
LANGUAGES = [("ko", _("Korean")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Seoul"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# `manage.py collectstatic` gathers the admin's and Swagger UI's files here (production serves
# them with WhiteNoise: backend/settings/production.py).
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))

# --- Private files (SPEC §14 uploads) -------------------------------------------------------
# Every uploaded file (corporate documents, bankbooks, name-change evidence, MMS images) is kept
# in STORAGES["private"] and read back through it, never by a path (domain.common.uploads), and
# is served only through permission-checked, access-logged views. Embedded default: this
# machine's disk under PRIVATE_MEDIA_ROOT, owner-only. With PRIVATE_STORAGE_BUCKET: that bucket
# of an S3-compatible object storage (MinIO, Ceph, NCP Object Storage, AWS), through
# django-storages, configured by its own variable names; any machine then reads what another
# wrote (docs "Deployment").
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", VAR_DIR / "private"))
PRIVATE_STORAGE_BUCKET = os.environ.get("PRIVATE_STORAGE_BUCKET", "")
AWS_S3_ENDPOINT_URL = os.environ.get("AWS_S3_ENDPOINT_URL") or None  # None: AWS itself
AWS_ACCESS_KEY_ID = os.environ.get("AWS_ACCESS_KEY_ID") or None
AWS_SECRET_ACCESS_KEY = os.environ.get("AWS_SECRET_ACCESS_KEY") or None
AWS_S3_REGION_NAME = os.environ.get("AWS_S3_REGION_NAME") or None
# An object read is downloaded into a temporary file before the answer starts (an outage is
# then a 503, never a cut download): in memory up to this size, on disk beyond it.
AWS_S3_MAX_MEMORY_SIZE = 1024 * 1024


def private_storage(*, root: Path, bucket: str = "") -> dict:
    """The STORAGES entry of private files: the bucket when one is named, else `root`."""
    if not bucket:
        return {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            # Owner-only: nobody but the application reads these files.
            "OPTIONS": {
                "location": root,
                "file_permissions_mode": 0o600,
                "directory_permissions_mode": 0o700,
            },
        }
    from boto3.s3.transfer import TransferConfig
    from botocore.config import Config

    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            # No ACL is sent: objects keep the bucket's own, private, default (never public-read).
            "default_acl": None,
            # Were a URL ever made it would be signed and expire; none is handed out: files go
            # out only through the API's and the admin's downloads, streamed by the app.
            "querystring_auth": True,
            # Keys are random (uuid4); an existing object is never replaced.
            "file_overwrite": False,
            # Transfers in the calling thread, chunk by chunk: a download is written to its
            # temporary file as it arrives, never queued up in memory by transfer threads.
            "transfer_config": TransferConfig(use_threads=False),
            # An outage answers within seconds (a coded 503), not after a minute of retries.
            "client_config": Config(
                connect_timeout=5,
                read_timeout=30,
                retries={"mode": "standard", "max_attempts": 3},
            ),
        },
    }


STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "private": private_storage(root=PRIVATE_MEDIA_ROOT, bucket=PRIVATE_STORAGE_BUCKET),
}

# --- REST framework -------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.SiteJWTAuthentication",
        "api.authentication.SiteSessionAuthentication",
    ],
    # Deny unless declared: every view of ours declares `access` (api.permissions).
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.DenyAll"],
    "DEFAULT_RENDERER_CLASSES": [
        "api.renderers.JSONRenderer",
        "api.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_METADATA_CLASS": "api.metadata.Metadata",
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "api.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        # SPEC §14, per IP unless said otherwise.
        "login": "30/min",
        "username_availability": "30/min",
        "sign_up": "20/min",
        "reset_password": "20/min",
        "reset_password_per_id": "5/min",
        # Not in SPEC §14's table; chosen like the flows they start (sign-up, reset: 20/min).
        # The per-phone SMS limits are separate (domain.verifications.services.SMS_LIMITS).
        "verification_start": "20/min",
        "find_id": "20/min",
    },
    # Trusted reverse proxies in front of the app (SPEC §14 per-IP throttles). 0: the socket
    # address; never None, which would key throttles on the client-written X-Forwarded-For.
    "NUM_PROXIES": int(os.environ.get("NUM_PROXIES", "0")),
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=15),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=1),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": False,
    "SIGNING_KEY": None,  # filled below from SECRET_KEY
    "USER_ID_CLAIM": "member_id",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Membership platform API",
    "DESCRIPTION": (
        "Sign-up, identity verification, consents, account recovery and member services of four "
        "Korean sites (incheon-water, animal-protection, yongin-library, onnuri-biz). Every 4xx "
        "answer has the body `{type, errors: [{code, detail, attr}]}`; `detail` is Korean by "
        "default and English with `Accept-Language: en`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "BankAccountStatusEnum": "domain.corporates.models.BankAccount.Status",
        "CorporateStatusEnum": "domain.corporates.models.Corporate.Status",
        "PurchaseStatusEnum": "domain.purchases.models.Purchase.Status",
        "DispatchStatusEnum": "domain.dispatches.models.Dispatch.Status",
        "RecipientStatusEnum": "domain.dispatches.models.Recipient.Status",
        "SendTypeEnum": "domain.dispatches.models.Dispatch.SendType",
        "DepositRowStatusEnum": "domain.purchases.models.DepositStatementRow.Status",
        "StatementColumnEnum": "domain.purchases.statements.COLUMNS",
        "DepositConfirmResultEnum": "api.purchases.deposit_serializers.CONFIRM_RESULTS",
        "DispatchKindEnum": "domain.dispatches.models.Dispatch.Kind",
    },
    # drf-spectacular's enum hook, then OpenAPI links derived from the paths (api.openapi).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.openapi.links_add",
    ],
    # NoAuthentication (login, refresh, logout) is not a security scheme: leave it out.
    "AUTHENTICATION_WHITELIST": [
        "api.authentication.SiteJWTAuthentication",
        "api.authentication.SiteSessionAuthentication",
    ],
}

# --- Background jobs (SPEC §9) --------------------------------------------------------------
Q_CLUSTER = {
    "name": "membership",
    "workers": int(os.environ.get("Q_WORKERS", "2")),
    "timeout": 120,
    "retry": 180,
    "max_attempts": 1,
    "catch_up": False,
    "label": "Jobs",
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"
    Q_CLUSTER["poll"] = 1
# A worker's claim on a batch of rows (domain.common.leases) lasts the task timeout plus this:
# a live task is never overtaken (django-q2 kills it at its timeout), and a dead worker's rows
# are taken again this long after its task's timeout (README "Sending and delivery
# guarantees"). tests/faults/settings.py shortens both for the worker processes it kills.
WORKER_LEASE_MARGIN_SECONDS = 60

# --- Outside providers (SPEC §4, §12): the sandbox unless configured --------------------------
# Sandboxes are for development, tests and staging. Unless this one variable holds exactly this
# value, backend.checks refuses them at start-up and every provider factory refuses to hand one
# out (503 provider_not_configured); local.py and test.py allow them.
SANDBOX_OPT_IN_VALUE = "yes-this-is-staging"
UNSAFE_ALLOW_SANDBOX_PROVIDERS = os.environ.get("UNSAFE_ALLOW_SANDBOX_PROVIDERS", "")
SANDBOX_PROVIDERS_ALLOWED = UNSAFE_ALLOW_SANDBOX_PROVIDERS == SANDBOX_OPT_IN_VALUE
# Identity verification: "sandbox", "portone" or a dotted path; IDENTITY_PROVIDER_<METHOD>
# (e.g. IDENTITY_PROVIDER_MOBILE) overrides it for one method.
IDENTITY_PROVIDER = os.environ.get("IDENTITY_PROVIDER", "sandbox")
for _method in ("MOBILE", "IPIN", "CARD", "GOOGLE"):
    if os.environ.get(f"IDENTITY_PROVIDER_{_method}"):
        globals()[f"IDENTITY_PROVIDER_{_method}"] = os.environ[f"IDENTITY_PROVIDER_{_method}"]
PORTONE_API_BASE = os.environ.get("PORTONE_API_BASE", "https://api.portone.io")
PORTONE_API_SECRET = os.environ.get("PORTONE_API_SECRET", "")
PORTONE_STORE_ID = os.environ.get("PORTONE_STORE_ID", "")
PORTONE_CHANNEL_KEY = os.environ.get("PORTONE_CHANNEL_KEY", "")
# MOIS eligibility check (yongin-library upgrades): "sandbox" or a dotted path.
ELIGIBILITY_PROVIDER = os.environ.get("ELIGIBILITY_PROVIDER", "sandbox")
# Kakao / Naver login (yongin-library): "sandbox" (code ok-<id>) or "live".
SOCIAL_PROVIDER_BACKEND = os.environ.get("SOCIAL_PROVIDER_BACKEND", "sandbox")
KAKAO_CLIENT_ID = os.environ.get("KAKAO_CLIENT_ID", "")
KAKAO_CLIENT_SECRET = os.environ.get("KAKAO_CLIENT_SECRET", "")
NAVER_CLIENT_ID = os.environ.get("NAVER_CLIENT_ID", "")
NAVER_CLIENT_SECRET = os.environ.get("NAVER_CLIENT_SECRET", "")

# The SPA page an onnuri-biz invitation SMS links to: <base>/join/<token>.
INVITATION_URL_BASE = os.environ.get("INVITATION_URL_BASE", "http://localhost:5173/onnuri-biz")
# The gift app page a dispatch's text links to: <base>/<claim code>.
GIFT_URL_BASE = os.environ.get("GIFT_URL_BASE", "http://localhost:5173/onnuri-biz/gifts")

# --- Messages (SPEC §12) --------------------------------------------------------------------
# The account companies transfer purchase deposits to (SPEC §7.3; manual 004 §2.2).
PURCHASE_RECEIVING_BANK = os.environ.get("PURCHASE_RECEIVING_BANK", "케이뱅크")
PURCHASE_RECEIVING_NUMBER = os.environ.get("PURCHASE_RECEIVING_NUMBER", "700100")
PURCHASE_RECEIVING_HOLDER = os.environ.get("PURCHASE_RECEIVING_HOLDER", "비씨카드")
# Deposit matching: caps of an uploaded bank statement of that account, and
# of the (row, purchase) pairs confirmed in one call.
DEPOSIT_STATEMENT_MAX_ROWS = int(os.environ.get("DEPOSIT_STATEMENT_MAX_ROWS", "5000"))
DEPOSIT_STATEMENT_MAX_BYTES = int(
    os.environ.get("DEPOSIT_STATEMENT_MAX_BYTES", str(5 * 1024 * 1024))
)
DEPOSIT_CONFIRM_MAX_MATCHES = int(os.environ.get("DEPOSIT_CONFIRM_MAX_MATCHES", "1000"))

SMS_BACKEND = os.environ.get("SMS_BACKEND", "console")
SMS_FILE_DIR = Path(os.environ.get("SMS_FILE_DIR", VAR_DIR / "sms"))
SMS_SENDER = os.environ.get("SMS_SENDER", "0212345678")
# NHN Cloud SMS gateway (SMS_BACKEND=domain.messaging.backends.nhncloud.NhnCloudSmsBackend).
NHN_SMS_APP_KEY = os.environ.get("NHN_SMS_APP_KEY", "")
NHN_SMS_SECRET_KEY = os.environ.get("NHN_SMS_SECRET_KEY", "")
NHN_SMS_BASE_URL = os.environ.get("NHN_SMS_BASE_URL", "")  # empty: the backend's DEFAULT_BASE_URL
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "email"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "no-reply@membership.example")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
# Outbox delivery: attempts before a message is recorded as failed, and the backoff base.
OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", "5"))
OUTBOX_RETRY_BASE_SECONDS = int(os.environ.get("OUTBOX_RETRY_BASE_SECONDS", "30"))

# Multiplies every per-key limit's count (domain.common.limits: SMS codes per phone, eligibility
# checks per member). SPEC §14's numbers: 1; only backend.settings.fuzz raises it, never the
# environment.
LIMIT_COUNT_FACTOR = 1

# --- Limits on input (SPEC §14) -------------------------------------------------------------
# api.middleware refuses a body over the cap (413 request_too_large) before anything reads it:
# multipart bodies up to MAX_REQUEST_BYTES (a company sign-up sends three documents of ≤ 10 MB),
# any other body up to DATA_UPLOAD_MAX_MEMORY_SIZE.
MAX_REQUEST_BYTES = int(os.environ.get("MAX_REQUEST_BYTES", str(32 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # larger files spill to a temporary file
DATA_UPLOAD_MAX_NUMBER_FILES = 10  # a company sign-up sends three

# backend.wsgi and backend.asgi run backend.checks before serving (servers run no system check).
DEPLOYMENT_CHECKS_ON_START = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # One module of filters (api/logs.py): paths logged by Django carry no secret, an invitation
    # token or a gift code is written [redacted] (SPEC §14); a lost database is one line per
    # request, not a stack trace.
    "filters": {
        "secret_paths": {"()": "api.logs.SecretPathFilter"},
        "database_unavailable": {"()": "api.logs.DatabaseUnavailableFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        # Django's own for runserver's request lines, named again: configuring the logger
        # below replaces its handlers.
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django_q": {"level": "WARNING"},
        "django.request": {"filters": ["secret_paths", "database_unavailable"]},
        "django.server": {
            "handlers": ["django.server"],
            "filters": ["secret_paths"],
            "level": "INFO",
            "propagate": False,
        },
    },
}


def finalise(settings: dict, *, identity_key_fallback: bool = True) -> None:
    """Derive values that depend on SECRET_KEY once an environment module has set it.

    Production passes `identity_key_fallback=False`: its IDENTITY_HASH_KEY must be its own.
    """
    if not settings["IDENTITY_HASH_KEY"] and identity_key_fallback:
        settings["IDENTITY_HASH_KEY"] = settings["SECRET_KEY"]
    # A copy: `from .base import *` shares base's dict with every settings module, and a module
    # imported later (a test reading backend.settings.local) would re-key the running one.
    settings["SIMPLE_JWT"] = {**settings["SIMPLE_JWT"], "SIGNING_KEY": settings["SECRET_KEY"]}


# --- The gift app (onnuri-biz dispatches) ----------------------------------
# Per-site secrets the gift app signs its receive/refuse callbacks with (README "Gift app
# callbacks"): JSON {"onnuri-biz": "<secret>"}, or {"onnuri-biz": ["<new>", "<previous>"]} while
# rotating. `local` and `test` fall back to public values; production has no fallback and its
# deployment check refuses a missing or weak one for a site that offers dispatches.
GIFT_APP_SECRETS = gift_app_secrets_parse(os.environ.get("GIFT_APP_SECRETS", ""))
