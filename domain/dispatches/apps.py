from django.apps import AppConfig


class DispatchesConfig(AppConfig):
    name = "domain.dispatches"
    label = "dispatches"
    verbose_name = "Dispatches"
