"""Taking a kept upload for a create call (domain.dispatches.uploads.upload_take):
the company's own, unexpired upload, once."""

import datetime as dt

import pytest
from django.utils import timezone

from domain.common.errors import NotFound
from domain.dispatches.models import RecipientUpload
from domain.dispatches.uploads import upload_take
from tests.factories.corporates import corporate_with_master

pytestmark = pytest.mark.django_db

ROWS = [{"row": 2, "name": "홍길동", "mobile": "01000000000", "amount": 10_000}]


def upload_of(corporate, **fields):
    fields.setdefault("expires_at", timezone.now() + dt.timedelta(days=1))
    return RecipientUpload.objects.create(
        corporate=corporate, rows=ROWS, count=1, total=10_000, **fields
    )


def test_the_rows_are_taken_once():
    corporate = corporate_with_master().corporate
    upload = upload_of(corporate)
    assert upload_take(corporate=corporate, upload_id=upload.pk) == ROWS
    with pytest.raises(NotFound) as raised:
        upload_take(corporate=corporate, upload_id=upload.pk)
    assert raised.value.code == "upload_not_found"


def test_another_companys_or_an_expired_upload_is_not_found():
    mine = corporate_with_master().corporate
    theirs = corporate_with_master(username="other01", business_number="2208162517").corporate
    expired = upload_of(mine, expires_at=timezone.now() - dt.timedelta(seconds=1))
    for corporate, upload in ((mine, upload_of(theirs)), (mine, expired)):
        with pytest.raises(NotFound) as raised:
            upload_take(corporate=corporate, upload_id=upload.pk)
        assert raised.value.code == "upload_not_found"
    assert RecipientUpload.objects.count() == 2
