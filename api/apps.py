from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    label = "api"

    def ready(self) -> None:
        from . import openapi  # noqa: F401  (registers schema extensions)
