"""Helpers for the Django admin tests: operators of each site and their browser-like clients."""

from django.test import Client

from domain.members.models import Member
from domain.sites.models import Site


def operator_of(slug: str, username: str = "operator1") -> Member:
    from tests.factories.members import MemberFactory

    return MemberFactory(site=Site.objects.get(slug=slug), username=username, staff=True)


def client_for(member: Member) -> Client:
    client = Client()
    client.force_login(member)
    return client


def index_models(response) -> set[str]:
    """`app_label.ModelName` of every model the admin index lists."""
    return {
        f"{app['app_label']}.{model['object_name']}"
        for app in response.context["app_list"]
        for model in app["models"]
    }


def shown_messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]
