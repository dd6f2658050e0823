from django.apps import AppConfig


class VerificationsConfig(AppConfig):
    name = "domain.verifications"
    label = "verifications"
