from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "domain.messaging"
    label = "messaging"
    verbose_name = "Messaging (outbox)"
