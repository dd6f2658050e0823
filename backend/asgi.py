import os

from django.core.asgi import get_asgi_application

# Servers load this module: production unless told otherwise (README "Environment variables").
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings.production")
django_application = get_asgi_application()

from api.middleware import limit_asgi_body  # noqa: E402  (needs the settings loaded)
from backend.checks import refuse_unsafe_start  # noqa: E402

application = limit_asgi_body(django_application)
refuse_unsafe_start()  # uvicorn runs no system checks
