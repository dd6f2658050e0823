from django.core.management.base import BaseCommand

from workers.schedules import apply_schedules


class Command(BaseCommand):
    help = "Make django-q2's schedules match workers.schedules.PERIODIC (idempotent)."

    def handle(self, *args, **options):
        names = apply_schedules()
        self.stdout.write(f"{len(names)} periodic job(s) scheduled: {', '.join(names)}")
