from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    label = "api"

    def ready(self) -> None:
        from backend import checks  # noqa: F401  (registers the deployment check)
