from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


class WorkersConfig(AppConfig):
    name = "workers"
    label = "workers"
    verbose_name = "Background jobs"

    def ready(self) -> None:
        from .schedules import apply_schedules_after_migrate

        # Periodic jobs without a separate deploy step (SPEC §9): `migrate` applies them. Sent
        # per app with models, once all migrations ran; this app has none, django-q2 does.
        post_migrate.connect(apply_schedules_after_migrate, sender=apps.get_app_config("django_q"))
