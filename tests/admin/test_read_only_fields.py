"""Status and verified identity fields are read-only everywhere in the admin: a
rejected manager set to "active" by hand could log in). The identity comes from the
verification (SPEC §4, §5); the status moves only through services (domain.common.transitions).
"""

import pytest
from django.contrib import admin
from django.test import RequestFactory

from domain.members.models import Member

from . import client_for, form_data, operator_of

pytestmark = pytest.mark.django_db

# Statuses and the verified identity: written by services and the verification, never by hand.
PROTECTED = {
    "status",
    "birth_date",
    "gender",
    "nationality",
    "mobile",
    "ci_hash",
    "di_hash",
    "verified_ci_hash",
    "verified_di_hash",
    "reject_reason",
    "reviewed_by",
    "reviewed_at",
    "approved_by",
    "approved_at",
    # Money and its dates: moved by the purchase services only (SPEC §7.3).
    "amount",
    "discount_amount",
    "deposit_amount",
    "balance",
    "reserved",
    "refund_amount",
    "expires_at",
    "documents_received_at",
}
# A member's account besides (a branch's or a site's name and is_active are the operator's).
MEMBER_PROTECTED = {
    "name",
    "username",
    "kind",
    "site",
    "is_active",
    "password",
    "failed_login_count",
    "locked_until",
    "password_change_required",
    "temporary_password_expires_at",
    "withdrawn_at",
    "username_released_at",
}


@pytest.fixture
def superuser():
    return Member.objects.create_superuser("root", "Root!Pass42")


def editable_fields(model_admin, user, obj=None) -> set[str]:
    """The fields of the change form (of `obj`, else a blank one) and of the add form."""
    request = RequestFactory().get("/admin/")
    request.user = user
    fields: set[str] = set()
    if model_admin.has_change_permission(request, obj):
        fields |= set(model_admin.get_form(request, obj).base_fields)
    if model_admin.has_add_permission(request):
        fields |= set(model_admin.get_form(request, None).base_fields)
    return fields


@pytest.mark.parametrize("who", ["superuser", "operator"])
def test_no_admin_form_edits_a_status_or_an_identity_field(who, superuser, member_factory):
    user = superuser if who == "superuser" else operator_of("onnuri-biz")
    member = member_factory(username="visitor01")
    for model, model_admin in admin.site._registry.items():
        if not model.__module__.startswith("domain."):
            continue
        obj, protected = (
            (member, PROTECTED | MEMBER_PROTECTED) if model is Member else (None, PROTECTED)
        )
        assert not editable_fields(model_admin, user, obj) & protected, model.__name__


def test_every_purchase_admin_is_in_that_check():
    """The check above walks every registered admin: the purchase's is one of them."""
    from domain.purchases.models import Purchase

    assert Purchase in admin.site._registry
    assert Purchase.__module__.startswith("domain.")


@pytest.mark.parametrize("who", ["superuser", "operator"])
def test_posting_identity_and_status_to_the_member_form_changes_none_of_them(
    who, superuser, member_factory
):
    user = superuser if who == "superuser" else operator_of("yongin-library")
    member = member_factory(
        username="visitor02", name="홍길동", mobile="01012345678", status=Member.Status.REJECTED
    )
    request = RequestFactory().get("/admin/")
    request.user = user
    data = form_data(admin.site._registry[Member], request, member)
    data.update(
        status="active",
        name="김철수",
        mobile="01099998888",
        birth_date="2001-02-03",
        gender="female",
        ci_hash="f" * 64,
        is_active="on",
        email="changed@example.com",
    )
    response = client_for(user).post(f"/admin/members/member/{member.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    member.refresh_from_db()
    assert member.email == "changed@example.com"
    assert (member.status, member.name, member.mobile) == ("rejected", "홍길동", "01012345678")
    assert str(member.birth_date) == "1990-01-01"
    assert member.gender == "male"
    assert member.ci_hash != "f" * 64


def test_the_member_page_shows_the_identity_read_only(member_factory):
    member = member_factory(username="visitor03", name="홍길동", mobile="01012345678")
    response = client_for(operator_of("yongin-library")).get(
        f"/admin/members/member/{member.pk}/change/"
    )
    assert response.status_code == 200
    form = response.context["adminform"]
    readonly = set(form.readonly_fields)
    assert {"status", "name", "mobile", "birth_date"} <= readonly
    assert "ci_hash" not in response.content.decode()
