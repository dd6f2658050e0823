from django.apps import AppConfig


class ConsentsConfig(AppConfig):
    name = "domain.consents"
    label = "consents"
