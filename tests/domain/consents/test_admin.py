"""Operators publish their own site's documents in the admin; records are read-only (SPEC §3)."""

import pytest
from django.test import Client

from domain.consents.models import ConsentDocument, ConsentRecord

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/consents/consentdocument/add/"


@pytest.fixture
def operator(member_factory, site_of):
    member = member_factory(site=site_of("yongin-library"), staff=True, username="operator1")
    client = Client()
    client.force_login(member)
    return client


def new_version(version, **extra):
    return {
        "code": "terms",
        "version": version,
        "title": "용인시도서관 이용약관(개정)",
        "body": "개정 약관. 동의하지 않으면 회원가입을 할 수 없습니다.",
        "required": "on",
        "kinds": '["general", "child"]',
        "scope": "sign_up",
        "channel": "",
        "position": 1,
        "effective_at_0": "2025-01-01",
        "effective_at_1": "00:00:00",
        **extra,
    }


def test_operator_publishes_a_new_version_for_their_own_site(operator, site_of):
    response = operator.post(ADD_URL, new_version(2))
    assert response.status_code == 302, response.content.decode()[:2000]
    document = ConsentDocument.objects.get(code="terms", version=2)
    assert document.site == site_of("yongin-library")


@pytest.mark.parametrize(
    "data",
    [new_version(1), new_version(2, kinds='["corporate_manager"]')],
    ids=["version-not-higher", "kind-of-another-site"],
)
def test_operator_form_is_validated(operator, data):
    response = operator.post(ADD_URL, data)
    assert response.status_code == 200  # the form again, with errors
    assert not ConsentDocument.objects.filter(code="terms", version=2).exists()
    assert ConsentDocument.objects.filter(code="terms").count() == 4  # v1 on each site


def test_operator_sees_only_their_site_and_records_are_read_only(operator, member_factory):
    member_factory()  # agrees to yongin-library's required documents
    listing = operator.get("/admin/consents/consentdocument/")
    assert listing.status_code == 200
    assert listing.context["cl"].result_count == 6
    record = ConsentRecord.objects.first()
    assert operator.get("/admin/consents/consentrecord/add/").status_code == 403
    assert operator.get(f"/admin/consents/consentrecord/{record.pk}/delete/").status_code == 403
    change = operator.post(f"/admin/consents/consentrecord/{record.pk}/change/", {"agreed": ""})
    assert change.status_code == 403
    record.refresh_from_db()
    assert record.agreed is True


def test_an_agreed_version_cannot_be_edited(operator, member_factory, site_of):
    member_factory()
    terms = ConsentDocument.objects.get(site=site_of("yongin-library"), code="terms", version=1)
    response = operator.get(f"/admin/consents/consentdocument/{terms.pk}/change/")
    assert response.status_code == 200
    assert "body" not in response.context["adminform"].form.fields
