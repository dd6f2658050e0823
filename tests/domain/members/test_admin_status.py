"""The admin never edits a status by hand: `status` is read-only on every admin of a
model with one, and staff suspend or reactivate members through actions that call services
(locked, checked against Member.TRANSITIONS, audited)."""

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory

from domain.audit.models import AuditEvent
from domain.members.models import Member
from tests.admin import form_data
from tests.conftest import error_codes

pytestmark = pytest.mark.django_db

CHANGE_URL = "/admin/members/member/{pk}/change/"
LIST_URL = "/admin/members/member/"


@pytest.fixture
def superuser():
    return Member.objects.create_superuser("root", "Root!Pass42")


@pytest.fixture
def operator(member_factory, site_of):
    member = member_factory(site=site_of("yongin-library"), staff=True, username="operator1")
    client = Client()
    client.force_login(member)
    return client


def status_admins():
    for model, model_admin in admin.site._registry.items():
        if any(field.name == "status" for field in model._meta.concrete_fields):
            yield model, model_admin


def test_status_is_read_only_in_every_admin_of_a_model_with_one(superuser):
    request = RequestFactory().get("/admin/")
    request.user = superuser
    checked = []
    for model, model_admin in status_admins():
        editable = model_admin.has_change_permission(request) or model_admin.has_add_permission(
            request
        )
        if editable:
            assert "status" in model_admin.get_readonly_fields(request), model
            assert "status" not in model_admin.get_form(request).base_fields, model
        checked.append(model.__name__)
    assert {"Member", "Corporate", "OutboxMessage"} <= set(checked)


def test_posting_a_status_in_the_change_form_does_not_change_it(member_factory, superuser):
    member = member_factory(username="visitor01")
    client = Client()
    client.force_login(superuser)
    request = RequestFactory().get("/admin/")
    request.user = superuser
    data = form_data(admin.site._registry[Member], request, member)
    data["status"] = Member.Status.SUSPENDED
    data["email"] = "changed@example.com"
    response = client.post(CHANGE_URL.format(pk=member.pk), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    member.refresh_from_db()
    assert (member.email, member.status) == ("changed@example.com", Member.Status.ACTIVE)


def test_staff_suspend_and_reactivate_through_the_actions(operator, member_factory, login):
    member = member_factory(username="visitor02")
    assert login("yongin-library", "visitor02").status_code == 200

    response = operator.post(
        LIST_URL, {"action": "suspend", "_selected_action": [member.pk]}, follow=True
    )
    assert response.status_code == 200
    member.refresh_from_db()
    assert member.status == Member.Status.SUSPENDED
    suspended = AuditEvent.objects.get(type=AuditEvent.Type.MEMBER_SUSPENDED, member=member)
    assert suspended.actor.username == "operator1"
    assert suspended.parameters == {"refresh_tokens_revoked": 1}
    refused = login("yongin-library", "visitor02")
    assert (refused.status_code, error_codes(refused)) == (401, ["account_inactive"])

    operator.post(LIST_URL, {"action": "reactivate", "_selected_action": [member.pk]})
    member.refresh_from_db()
    assert member.status == Member.Status.ACTIVE
    activated = AuditEvent.objects.get(type=AuditEvent.Type.MEMBER_ACTIVATED, member=member)
    assert activated.parameters == {"reason": "reactivated"}
    assert login("yongin-library", "visitor02").status_code == 200


def test_an_action_the_transitions_table_refuses_changes_nothing(operator, member_factory):
    member = member_factory(username="visitor03", status=Member.Status.WITHDRAWN)
    response = operator.post(
        LIST_URL, {"action": "reactivate", "_selected_action": [member.pk]}, follow=True
    )
    member.refresh_from_db()
    assert member.status == Member.Status.WITHDRAWN
    shown = [str(message) for message in response.context["messages"]]
    assert any(message.startswith("visitor03: ") for message in shown), shown
    assert not AuditEvent.objects.filter(member=member, type="member_activated").exists()


def test_an_operator_acts_only_on_their_own_site(operator, member_factory, site_of):
    other = member_factory(site=site_of("incheon-water"), username="visitor04")
    operator.post(LIST_URL, {"action": "suspend", "_selected_action": [other.pk]})
    other.refresh_from_db()
    assert other.status == Member.Status.ACTIVE
