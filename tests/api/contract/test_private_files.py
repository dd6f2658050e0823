"""Private files through the one private storage, over HTTP (SPEC §14 "uploads"; docs
"Deployment"): with the bucket behind it, what a company uploads is what staff download; with
the storage down, every upload and download answers 503 `storage_unavailable` with Retry-After
(never a 500) and writes nothing: no row without its file, no access-log row for a read that
did not happen."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
import tracemalloc
from datetime import date

import pytest
from botocore.exceptions import EndpointConnectionError
from django.core.files.uploadedfile import SimpleUploadedFile

from backend.settings.base import private_storage
from domain.audit.models import AuditEvent
from domain.corporates.models import BankAccount, Corporate, CorporateManager
from domain.dispatches.models import Dispatch
from domain.members.models import Member, NameChangeRequest
from tests.api.corporates import (
    ONNURI,
    PDF,
    URL,
    manager_identity,
    pdf_file,
    png_bytes,
    sign_up,
    sign_up_body,
)
from tests.api.members import ANIMAL, headers_for, pdf_bytes
from tests.conftest import BUCKET, bearer_for, error_codes, identity
from tests.dispatch_images import image_file
from tests.factories.corporates import corporate_with_master
from tests.factories.dispatches import dispatch_send_token
from tests.factories.purchases import approved_purchase
from tests.ports import free_port

pytestmark = pytest.mark.django_db

VIEWED = AuditEvent.Type.PERSONAL_DATA_VIEWED
DOCUMENTS = {"registration_certificate": PDF, "headcount_document": PDF, "bankbook": None}


def assert_storage_unavailable(response) -> None:
    assert response.status_code == 503, response.content
    assert response.json()["type"] == "server_error"
    assert error_codes(response) == ["storage_unavailable"]
    assert response["Retry-After"] == "30"


@pytest.fixture
def staff(member_factory, site_of):
    return member_factory(site=site_of(ONNURI), username="operator1x", staff=True)


def signed_up(api, verify) -> Corporate:
    response = sign_up(api, verify(ONNURI, "sign_up", manager_identity()))
    assert response.status_code == 201, response.json()
    return Corporate.objects.get(pk=response.json()["id"])


def test_a_companys_documents_go_to_the_bucket_and_come_back_to_staff(
    api, verify, staff, s3_storage, settings
):
    corporate = signed_up(api, verify)
    account = BankAccount.objects.get(corporate=corporate)
    keys = {item.key for item in s3_storage.objects.all()}
    assert keys == {
        corporate.registration_certificate,
        corporate.headcount_document,
        account.bankbook,
    }
    assert not settings.PRIVATE_MEDIA_ROOT.exists()
    for kind, content in DOCUMENTS.items():
        response = api.get(f"{URL}{corporate.pk}/documents/{kind}/", **bearer_for(staff))
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == (content or png_bytes())
    assert AuditEvent.objects.filter(type=VIEWED, actor=staff).count() == 3


def test_a_sign_up_while_the_storage_is_down_is_a_503_and_creates_nothing(
    api, verify, storage_down, settings
):
    response = sign_up(api, verify(ONNURI, "sign_up", manager_identity()))
    assert_storage_unavailable(response)
    assert not Corporate.objects.exists()
    assert not Member.objects.filter(username="bizmaster1").exists()
    assert not BankAccount.objects.exists()
    assert not settings.PRIVATE_MEDIA_ROOT.exists()
    token = verify(ONNURI, "sign_up", manager_identity())
    english = api.post(URL, sign_up_body(api, token), format="multipart", HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["errors"][0]["detail"] == (
        "Files cannot be stored or read right now. Try again shortly."
    )


def test_a_download_while_the_storage_is_down_is_a_503_and_logs_no_read(
    api, verify, staff, s3_storage, request
):
    corporate = signed_up(api, verify)
    request.getfixturevalue("storage_down")
    for kind in DOCUMENTS:
        response = api.get(f"{URL}{corporate.pk}/documents/{kind}/", **bearer_for(staff))
        assert_storage_unavailable(response)
    master = CorporateManager.objects.get(corporate=corporate).member
    Member.objects.filter(pk=master.pk).update(status=Member.Status.ACTIVE)
    Corporate.objects.filter(pk=corporate.pk).update(status=Corporate.Status.APPROVED)
    account = BankAccount.objects.get(corporate=corporate)
    bankbook = api.get(
        f"/api/v1/sites/{ONNURI}/accounts/{account.pk}/bankbook/", **bearer_for(master)
    )
    assert_storage_unavailable(bankbook)
    assert not AuditEvent.objects.filter(type=VIEWED).exists()


def test_the_admin_download_while_the_storage_is_down_says_so_and_answers(
    api, verify, staff, s3_storage, request, client
):
    corporate = signed_up(api, verify)
    request.getfixturevalue("storage_down")
    client.force_login(staff)
    url = f"/admin/corporates/corporate/{corporate.pk}/documents/registration_certificate/"
    response = client.get(url, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].endswith(f"/{corporate.pk}/change/")
    messages = [str(m) for m in response.context["messages"]]
    assert any("지금은 파일을 저장하거나 읽을 수 없습니다" in m for m in messages)


def test_a_bank_account_request_while_the_storage_is_down_is_a_503_and_creates_nothing(
    api, storage_down
):
    master = corporate_with_master(username="master01", mobile="01055554444")
    response = api.post(
        f"/api/v1/sites/{ONNURI}/accounts/",
        {
            "bank_code": "089",
            "account_number": "70010012340000",
            "holder": master.corporate.name,
            "bankbook": SimpleUploadedFile("통장.png", png_bytes(), content_type="image/png"),
        },
        format="multipart",
        **bearer_for(master.member),
    )
    assert_storage_unavailable(response)
    assert BankAccount.objects.filter(corporate=master.corporate).count() == 1  # its first


def test_a_name_change_request_while_the_storage_is_down_is_a_503_and_creates_nothing(
    api, verify, member_factory, site_of, storage_down
):
    member = member_factory(
        site=site_of(ANIMAL), name="홍길동", birth_date=date(1990, 1, 1), mobile="01012345678"
    )
    headers = headers_for(api, member)
    token = verify(
        ANIMAL, "profile_update", identity(name="홍길순", birth_date="1990-01-01"), headers=headers
    )
    response = api.post(
        f"/api/v1/sites/{ANIMAL}/name-change-requests/",
        {
            "requested_name": "홍길순",
            "evidence": SimpleUploadedFile("cert.pdf", pdf_bytes()),
            "verification_token": token,
        },
        format="multipart",
        **headers,
    )
    assert_storage_unavailable(response)
    assert not NameChangeRequest.objects.exists()


def test_a_dispatch_with_an_image_while_the_storage_is_down_is_a_503_and_moves_no_money(
    api, storage_down
):
    master = corporate_with_master(username="master01", mobile="01055554444")
    purchase = approved_purchase(master, 100_000)
    data = {
        "title": "설 선물",
        "send_type": "immediate",
        "subject": "",
        "body": "설 선물을 보내드립니다.",
        "recipients": json.dumps([{"name": "김정수", "mobile": "01011110001", "amount": 10_000}]),
        "verification_token": dispatch_send_token(master),
        "image": image_file(),
    }
    response = api.post(
        f"/api/v1/sites/{ONNURI}/dispatches/",
        data,
        format="multipart",
        **bearer_for(master.member),
    )
    assert_storage_unavailable(response)
    assert not Dispatch.objects.exists()
    purchase.refresh_from_db()
    assert (purchase.balance, purchase.reserved) == (100_000, 0)


# --- a large document, streamed --------------------------------------------------------------


@pytest.fixture
def s3_server(settings, tmp_path):
    """The private storage in a bucket of moto's S3 server in a process of its own (what this
    process allocates is then the app's alone), on a free port of 19175–19199."""
    import boto3

    port = free_port(range(19175, 19200))
    log = (tmp_path / "moto.log").open("wb")
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    endpoint = f"http://127.0.0.1:{port}"
    keys = {"aws_access_key_id": "test-key-id", "aws_secret_access_key": "test-secret-key"}
    bucket = boto3.resource("s3", endpoint_url=endpoint, region_name="us-east-1", **keys).Bucket(
        BUCKET
    )
    try:
        for _ in range(200):
            try:
                bucket.create()
                break
            except EndpointConnectionError:
                time.sleep(0.05)
        settings.AWS_S3_ENDPOINT_URL = endpoint
        settings.AWS_ACCESS_KEY_ID = keys["aws_access_key_id"]
        settings.AWS_SECRET_ACCESS_KEY = keys["aws_secret_access_key"]
        settings.AWS_S3_REGION_NAME = "us-east-1"
        settings.STORAGES = {
            **settings.STORAGES,
            "private": private_storage(root=settings.PRIVATE_MEDIA_ROOT, bucket=BUCKET),
        }
        yield bucket
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


def test_a_large_document_is_streamed_from_the_bucket_in_bounded_memory(
    api, verify, staff, s3_server
):
    """A 9 MB document goes out chunk by chunk: the download never holds it in memory whole
    (the object is fetched into a temporary file spooled to disk past AWS_S3_MAX_MEMORY_SIZE)."""
    content = b"%PDF-1.4\n" + os.urandom(9 * 1024 * 1024)
    token = verify(ONNURI, "sign_up", manager_identity())
    body = sign_up_body(api, token, registration_certificate=pdf_file(content=content))
    created = api.post(URL, body, format="multipart")
    assert created.status_code == 201, created.json()
    url = f"{URL}{created.json()['id']}/documents/registration_certificate/"

    digest, size = hashlib.sha256(), 0
    tracemalloc.start()
    try:
        response = api.get(url, **bearer_for(staff))
        assert response.status_code == 200
        for chunk in response.streaming_content:
            digest.update(chunk)
            size += len(chunk)
        response.close()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert (size, digest.hexdigest()) == (len(content), hashlib.sha256(content).hexdigest())
    # Less than half the file: the spooled first megabyte, chunks, the request itself.
    assert peak < 4 * 1024 * 1024, f"{peak / 2**20:.1f} MiB at the peak for a 9 MiB file"
