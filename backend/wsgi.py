import os

from django.core.wsgi import get_wsgi_application

from backend.checks import refuse_unsafe_start

# Servers load this module: production unless told otherwise (README "Environment variables").
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings.production")
application = get_wsgi_application()
refuse_unsafe_start()  # gunicorn runs no system checks
