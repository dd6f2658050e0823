"""Helpers for the Django admin tests: operators of each site and their browser-like clients."""

from django.forms import MultiWidget
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


def form_data(model_admin, request, obj) -> dict:
    """What the change form would post back unchanged."""
    form = model_admin.get_form(request, obj)(instance=obj)
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field.widget, MultiWidget):
            for index, part in enumerate(field.widget.decompress(value)):
                data[f"{name}_{index}"] = "" if part is None else str(part)
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = value
    return data
