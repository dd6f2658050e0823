from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "domain.audit"
    label = "audit"
    verbose_name = "Audit"
