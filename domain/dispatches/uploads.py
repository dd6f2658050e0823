"""Recipient uploads kept for the create call (issue 11 point 2; manual 004 §3.1 엑셀 업로드).

Minimal here: taking a kept upload. Parsing and checking the spreadsheet belong to the upload
endpoint.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from domain.common.errors import NotFound

from .errors import DispatchErrorCode
from .models import RecipientUpload


def upload_take(*, corporate, upload_id: int) -> list[dict[str, Any]]:
    """The checked rows ({row, name, mobile, amount}) of `corporate`'s unexpired upload, which
    is used up: run it in the create call's transaction, so a refused create keeps it.
    Another company's, an expired or an already used upload is 404 `upload_not_found`."""
    with transaction.atomic():
        upload = (
            RecipientUpload.objects.select_for_update()
            .filter(pk=upload_id, corporate=corporate, expires_at__gt=timezone.now())
            .first()
        )
        if upload is None:
            raise NotFound(DispatchErrorCode.UPLOAD_NOT_FOUND, _("The upload was not found."))
        rows = upload.rows
        upload.delete()
    return rows
