"""Development on one machine: SQLite, ORM broker, console/file messages (README quick start)."""

from .base import *  # noqa: F403
from .base import finalise

DEBUG = env_bool("DEBUG", True)  # noqa: F405
SECRET_KEY = SECRET_KEY or "local-dev-only-not-secret-" + "x" * 32  # noqa: F405
CORS_ALLOWED_ORIGINS = CORS_ALLOWED_ORIGINS or [  # noqa: F405
    "http://localhost:3000",
    "http://localhost:5173",
]
finalise(globals())
