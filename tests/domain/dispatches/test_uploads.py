"""Recipient uploads as services: kept for the company that sent them, for a day, taken once by
the create call (SPEC §7.4)."""

import datetime as dt
import io

import pytest
from django.utils import timezone

from domain.common.errors import NotFound
from domain.common.tabular import MAX_EXPANDED_BYTES
from domain.dispatches.models import RecipientUpload
from domain.dispatches.uploads import (
    UPLOAD_LIFETIME,
    UPLOAD_MAX_BYTES,
    recipient_upload_create,
    recipient_uploads_prune,
    recipients_read,
    upload_take,
)
from tests.factories.corporates import corporate_with_master, onnuri
from tests.factories.spreadsheets import csv_bytes, numbered, xlsx_bytes

pytestmark = pytest.mark.django_db

ROWS = [("홍길동", "01000000000", 10_000), ("은누리", "01011111111", 50_000)]


@pytest.fixture
def master():
    return corporate_with_master(username="master01")


@pytest.fixture
def other_master():
    return corporate_with_master(username="othermaster1", business_number="2208162517")


def uploaded(manager, rows=ROWS) -> RecipientUpload:
    return recipient_upload_create(
        site=onnuri(), manager=manager, file=io.BytesIO(xlsx_bytes(rows))
    )


def test_the_caps_and_the_lifetime():
    assert UPLOAD_MAX_BYTES == 20 * 1024 * 1024
    assert MAX_EXPANDED_BYTES == 8 * 1024 * 1024
    assert dt.timedelta(days=1) == UPLOAD_LIFETIME


def test_the_owner_takes_the_rows_once(master):
    upload = uploaded(master)
    rows = upload_take(master.corporate, upload.pk)
    assert rows == [
        {"row": 2, "name": "홍길동", "mobile": "01000000000", "amount": 10_000},
        {"row": 3, "name": "은누리", "mobile": "01011111111", "amount": 50_000},
    ]
    with pytest.raises(NotFound) as taken_again:
        upload_take(master.corporate, upload.pk)
    assert taken_again.value.code == "upload_not_found"


def test_another_company_cannot_use_the_upload(master, other_master):
    upload = uploaded(master)
    with pytest.raises(NotFound) as refused:
        upload_take(other_master.corporate, upload.pk)
    assert refused.value.code == "upload_not_found"
    assert RecipientUpload.objects.filter(pk=upload.pk).exists()  # still the owner's


def test_an_expired_upload_is_refused(master):
    upload = uploaded(master)
    with pytest.raises(NotFound) as refused:
        upload_take(master.corporate, upload.pk, now=upload.expires_at)
    assert refused.value.code == "upload_not_found"
    assert upload_take(master.corporate, upload.pk, now=upload.expires_at - dt.timedelta(seconds=1))


def test_an_unknown_id_is_refused(master):
    with pytest.raises(NotFound) as refused:
        upload_take(master.corporate, 987654)
    assert refused.value.code == "upload_not_found"


def test_the_daily_job_deletes_expired_uploads_only(master):
    old = uploaded(master)
    fresh = uploaded(master)
    RecipientUpload.objects.filter(pk=old.pk).update(expires_at=timezone.now())
    assert recipient_uploads_prune() == 1
    assert list(RecipientUpload.objects.values_list("pk", flat=True)) == [fresh.pk]


def test_the_cleanup_is_scheduled_daily():
    from workers.schedules import PERIODIC

    job = next(job for job in PERIODIC if job.name == "recipient-uploads-prune")
    assert job.func == "workers.dispatch_uploads.prune_recipient_uploads" and job.minutes == 24 * 60


def test_reading_is_the_one_check_with_the_limits_given():
    checked = recipients_read(csv_bytes(numbered(5)), limit=3, max_amount=10_000)
    assert checked.count == 3
    assert [(e.row, e.code) for e in checked.errors] == [(5, "too_many_recipients")]
    assert recipients_read(xlsx_bytes(numbered(5)), limit=5, max_amount=10_000).total == 50_000
    over = recipients_read(xlsx_bytes(numbered(2)), limit=5, max_amount=9_000)
    assert [(e.row, e.code) for e in over.errors] == [
        (2, "gift_amount_too_large"),
        (3, "gift_amount_too_large"),
    ]
