"""Development on one machine: SQLite, ORM broker, console/file messages (README quick start)."""

from backend.keys import DEV_GIFT_APP_SECRET, DEV_SECRET_KEY

from .base import *  # noqa: F403
from .base import finalise

DEBUG = env_bool("DEBUG", True)  # noqa: F405
SECRET_KEY = SECRET_KEY or DEV_SECRET_KEY  # noqa: F405
CORS_ALLOWED_ORIGINS = CORS_ALLOWED_ORIGINS or [  # noqa: F405
    "http://localhost:3000",
    "http://localhost:5173",
]
GIFT_APP_SECRETS = GIFT_APP_SECRETS or {"onnuri-biz": [DEV_GIFT_APP_SECRET]}  # noqa: F405
SANDBOX_PROVIDERS_ALLOWED = True  # SPEC §12: the default in development
DEPLOYMENT_CHECKS_ON_START = False  # runserver loads backend.wsgi too
finalise(globals())
