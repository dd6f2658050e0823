from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo accounts, company and purchases of `make run` (`manage.py seed_demo`), made by
    the real services; development only. It sits above `domain` as `api` and `workers` do."""

    name = "demo"
    verbose_name = "Demo data"
