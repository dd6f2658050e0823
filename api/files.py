"""Files in and out of the API (SPEC §11: JSON everywhere except uploads and exports; §14
uploads): how a view answers with a file, and Excel exports.

The download answer and the Excel writer are domain.common.files (the admin answers files the
same way), re-exported here for the views. A view that answers with a file takes
FileDownloadMixin: the file goes out whatever the `Accept` header says (errors still come as
JSON), and a private document opened by a service goes out under one naming rule. An Excel
export is written into a temporary file that the answer then streams.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes

from domain.common.errors import CommonErrorCode
from domain.common.files import (
    DATETIME_FORMAT,
    EXTENSIONS,
    PERCENT_FORMAT,
    WON_FORMAT,
    XLSX,
    Column,
    content_disposition,
    download_name,
    file_response,
    xlsx_write,
)

__all__ = [
    "DATETIME_FORMAT",
    "DOCUMENT_RESPONSES",
    "FILE_CODES",
    "STORAGE_CODES",
    "PERCENT_FORMAT",
    "WON_FORMAT",
    "XLSX",
    "Column",
    "FileDownloadMixin",
    "content_disposition",
    "file_response",
    "xlsx_response",
    "xlsx_write",
]

# What an upload of a document can be refused with.
FILE_CODES = [
    CommonErrorCode.FILE_EMPTY,
    CommonErrorCode.FILE_TOO_LARGE,
    CommonErrorCode.UNSUPPORTED_FILE_TYPE,
    CommonErrorCode.IMAGE_TOO_LARGE,
]
# What storing or reading a private file can meet besides (domain.common.uploads): the storage
# down, 503 with Retry-After.
STORAGE_CODES = {503: [CommonErrorCode.STORAGE_UNAVAILABLE]}
# The answers of a private document's download (SPEC §14: PDF/JPG/PNG), for `extend_schema`.
DOCUMENT_RESPONSES = {(200, content_type): OpenApiTypes.BINARY for content_type in EXTENSIONS}


class FileDownloadMixin:
    """Files are answered whatever the Accept header; errors still come as JSON."""

    def perform_content_negotiation(self, request, force=False):
        return super().perform_content_negotiation(request, force=True)

    def document_response(self, file, *, content_type: str, stem: str) -> FileResponse:
        """A private document that a service opened (having checked the caller and written
        the access log), as `<stem>.<extension of its type>`."""
        return file_response(
            file, content_type=content_type, filename=download_name(stem, content_type)
        )


def xlsx_response(
    *, title: str, columns: list[Column], rows: Iterable, filename: str, ascii_filename: str
) -> FileResponse:
    """An Excel export as a private download: written to a temporary file (deleted once the
    answer is sent), then streamed from it."""
    # Not a `with`: the answer owns the file and closes (so deletes) it after the last byte.
    file = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
    try:
        xlsx_write(file, title=title, columns=columns, rows=rows)
        file.seek(0)
    except BaseException:
        file.close()
        raise
    return file_response(file, content_type=XLSX, filename=filename, ascii_filename=ascii_filename)
