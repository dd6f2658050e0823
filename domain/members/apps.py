from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "domain.members"
    label = "members"
    verbose_name = "Members"
