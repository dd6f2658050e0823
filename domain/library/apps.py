from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "domain.library"
    label = "library"
