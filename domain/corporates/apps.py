from django.apps import AppConfig


class CorporatesConfig(AppConfig):
    name = "domain.corporates"
    label = "corporates"
    verbose_name = "Corporates (onnuri-biz)"
