from django.apps import AppConfig


class SitesConfig(AppConfig):
    name = "domain.sites"
    label = "sites"
    verbose_name = "Sites"
