"""Every corporate endpoint for every role (SPEC §8: object-level checks on every endpoint).

Company A has a master, a general admin, a pending invitation, an account in use and a pending
account request; company B has its own master. Out-of-scope answers are 404 (401 for
anonymous), never company A's data.
"""

import pytest

from domain.common.uploads import store_private_upload
from domain.corporates.models import BankAccount, Invitation
from tests.api.corporates import pdf_file
from tests.conftest import bearer_for
from tests.factories.corporates import corporate_with_master, manager_create

pytestmark = pytest.mark.django_db
SITE = "/api/v1/sites/onnuri-biz/"
ROLES = ["master", "general", "other_master", "staff", "anonymous"]


def _private_pdf() -> str:
    return store_private_upload(file=pdf_file(), folder="test-docs").path


@pytest.fixture
def world(member_factory, site_of):
    master = corporate_with_master(
        username="mastera1", business_number="1248100998", mobile="01010000001"
    )
    corporate = master.corporate
    path = _private_pdf()
    corporate.registration_certificate = corporate.headcount_document = path
    corporate.save()
    BankAccount.objects.filter(corporate=corporate).update(bankbook=path)
    general = manager_create(
        corporate=corporate, username="generala1", role="general", mobile="01010000002"
    )
    other = corporate_with_master(
        username="masterb1", business_number="2208162517", mobile="01010000003"
    )
    invitation = Invitation.objects.create(
        corporate=corporate,
        invited_by=master.member,
        name="김초대",
        department="총무팀",
        position="사원",
        mobile="01010000004",
        token_hash="x" * 64,
        expires_at="2099-01-01T00:00:00+09:00",
    )
    pending = BankAccount.objects.create(
        corporate=corporate,
        bank_code="004",
        number="12345678901",
        holder=corporate.name,
        bankbook=path,
        bankbook_content_type="application/pdf",
    )
    staff = member_factory(site=site_of("onnuri-biz"), username="operator55", staff=True)
    return {
        "members": {
            "master": master.member,
            "general": general.member,
            "other_master": other.member,
            "staff": staff,
            "anonymous": None,
        },
        "ids": {
            "corporate": corporate.pk,
            "general": f"admin-{general.pk}",
            "invitation": f"invitation-{invitation.pk}",
            "in_use": corporate.bank_accounts.get(status="in_use").pk,
            "pending": pending.pk,
        },
        "corporate_name": corporate.name,
    }


OK, NF, UA = 200, 404, 401
# (method, path template, body, expected status per role in ROLES order)
MATRIX = [
    ("get", "corporates/", None, [NF, NF, NF, OK, UA]),
    ("get", "corporates/mine/", None, [OK, OK, OK, NF, UA]),
    ("get", "corporates/{corporate}/", None, [OK, OK, NF, OK, UA]),
    ("patch", "corporates/{corporate}/", {"discount_rate": "7.50"}, [NF, NF, NF, OK, UA]),
    ("post", "corporates/{corporate}/approve/", {}, [NF, NF, NF, 409, UA]),
    ("post", "corporates/{corporate}/reject/", {"reason": "서류 미비"}, [NF, NF, NF, 409, UA]),
    (
        "get",
        "corporates/{corporate}/documents/registration_certificate/",
        None,
        [OK, OK, NF, OK, UA],
    ),
    ("get", "corporate-members/", None, [OK, NF, OK, NF, UA]),
    (
        "post",
        "corporate-members/",
        {"name": "김신규", "department": "팀", "position": "사원", "mobile": "01010000009"},
        [201, NF, 201, NF, UA],
    ),
    ("post", "corporate-members/{invitation}/resend-invitation/", {}, [OK, NF, NF, NF, UA]),
    ("delete", "corporate-members/{invitation}/", None, [204, NF, NF, NF, UA]),
    ("post", "corporate-members/{general}/reset-password/", {}, [202, NF, NF, NF, UA]),
    ("delete", "corporate-members/{general}/", None, [204, NF, NF, NF, UA]),
    (
        "post",
        "corporate-members/transfer-master/",
        {"admin_id": "{general}"},
        [OK, NF, 400, NF, UA],
    ),
    ("get", "corporate-members/me/", None, [OK, OK, OK, NF, UA]),
    ("patch", "corporate-members/me/", {"position": "과장"}, [OK, OK, OK, NF, UA]),
    ("delete", "corporate-members/me/", {"password": "Sunny!Day42"}, [400, 204, 400, NF, UA]),
    ("get", "invitations/not-a-token/", None, [NF, NF, NF, NF, NF]),
    ("post", "invitations/not-a-token/accept/", {}, [400, 400, 400, 400, 400]),
    ("post", "corporates/", {}, [400, 400, 400, 400, 400]),
    ("get", "corporates/{corporate}/documents/headcount_document/", None, [OK, OK, NF, OK, UA]),
    ("get", "corporates/{corporate}/documents/bankbook/", None, [OK, OK, NF, OK, UA]),
    ("post", "accounts/", {}, [400, NF, 400, NF, UA]),
    ("get", "accounts/", None, [OK, OK, OK, OK, UA]),
    ("get", "accounts/{in_use}/", None, [OK, OK, NF, OK, UA]),
    ("get", "accounts/{in_use}/bankbook/", None, [OK, OK, NF, OK, UA]),
    ("delete", "accounts/{pending}/", None, [OK, NF, NF, NF, UA]),
    ("delete", "accounts/{in_use}/", None, [409, NF, NF, NF, UA]),
    ("post", "accounts/{pending}/approve/", {}, [NF, NF, NF, OK, UA]),
]
MULTIPART = {"corporates/", "accounts/"}  # uploads: multipart/form-data
CASES = [
    (method, path, body, role, expected[index])
    for method, path, body, expected in MATRIX
    for index, role in enumerate(ROLES)
]


@pytest.mark.parametrize(
    "method,path,body,role,expected", CASES, ids=[f"{c[0]} {c[1]} as {c[3]}" for c in CASES]
)
def test_permission_matrix(
    api, world, method, path, body, role, expected, django_capture_on_commit_callbacks
):
    ids = world["ids"]
    url = SITE + path.format(**ids)
    if body:
        body = {k: v.format(**ids) if isinstance(v, str) else v for k, v in body.items()}
    member = world["members"][role]
    headers = bearer_for(member) if member else {}
    with django_capture_on_commit_callbacks(execute=True):
        multipart = method == "post" and path in MULTIPART
        response = getattr(api, method)(
            url, body, format="multipart" if multipart else "json", **headers
        )
    assert response.status_code == expected, (response.status_code, getattr(response, "data", None))
    if role == "other_master" and response.status_code < 300 and method == "get":
        content = b"".join(response.streaming_content) if response.streaming else response.content
        assert world["corporate_name"].encode() not in content  # never company A's data
        assert b"mastera1" not in content and b"generala1" not in content
