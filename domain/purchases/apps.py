from django.apps import AppConfig


class PurchasesConfig(AppConfig):
    name = "domain.purchases"
    label = "purchases"
    verbose_name = "Purchases"
