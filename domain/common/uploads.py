"""Private uploads: type checked by content, stored under random names (SPEC §14 "uploads").

Documents are PDF, JPG or PNG up to 10 MB; the type is read from the file's first bytes (and
images are parsed with Pillow), never from its name or the client's content type. An image may
hold at most MAX_IMAGE_PIXELS: a small file can claim a size whose decoding would take gigabytes.

Every private file is kept in the one private storage, Django's `STORAGES["private"]` (this
machine's disk by default, an S3-compatible bucket when PRIVATE_STORAGE_BUCKET is set:
backend/settings/base.py), and read back through it by its storage name, never by a path: any
API process, admin or worker, on any machine, opens what another one stored. Nothing is public:
the API and the admin serve a file only to those allowed (name change evidence, corporate
documents, bankbooks). A storage that cannot be reached or refuses (the bucket down, the disk
full) is 503 `storage_unavailable` with Retry-After, raised before anything refers to the file.
"""

from __future__ import annotations

import contextlib
import logging
import re
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO

from botocore.exceptions import BotoCoreError, ClientError
from django.core.exceptions import SuspiciousOperation
from django.core.files import File
from django.core.files.storage import Storage, storages
from django.utils.translation import gettext_lazy as _
from PIL import Image

from domain.common.errors import CommonErrorCode, DomainError, NotFound, ServiceUnavailable

logger = logging.getLogger(__name__)

DOCUMENT_TYPES = frozenset({"pdf", "jpg", "png"})
IMAGE_JPG = frozenset({"jpg"})
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
CONTENT_TYPES = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}
MAGIC = (
    ("pdf", b"%PDF-"),
    ("jpg", b"\xff\xd8\xff"),
    ("png", b"\x89PNG\r\n\x1a\n"),
)
PILLOW_FORMATS = {"jpg": "JPEG", "png": "PNG"}
FOLDER_RE = re.compile(r"[a-z0-9_-]+(?:/[a-z0-9_-]+)*")
ORIGINAL_NAME_MAX = 255
# 50 megapixels: an A4 page scanned at 600 dpi is 35, a 48-megapixel phone photo fits.
MAX_IMAGE_PIXELS = 50_000_000
PRIVATE_STORAGE = "private"  # the STORAGES alias (backend/settings/base.py)
STORAGE_RETRY_AFTER_SECONDS = 30
# A name that cannot be a stored file (empty, outside the storage, a folder): not found.
MISSING = (FileNotFoundError, IsADirectoryError, NotADirectoryError, SuspiciousOperation)
# What a storage raises when it cannot be reached or refuses: the file system's OSError (disk
# full, permissions), botocore's for S3-compatible object storage (no connection, a timeout,
# an error answer such as 403 or 503).
UNAVAILABLE = (OSError, BotoCoreError, ClientError)


class ImageTooLarge(DomainError):
    default_code = CommonErrorCode.IMAGE_TOO_LARGE
    default_message = _("The image has too many pixels (at most 50 megapixels).")


class StorageUnavailable(ServiceUnavailable):
    """The private storage cannot be reached or refused (503, Retry-After): nothing was
    stored, or nothing can be read, right now."""

    default_code = CommonErrorCode.STORAGE_UNAVAILABLE
    default_message = _("Files cannot be stored or read right now. Try again shortly.")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.retry_after = STORAGE_RETRY_AFTER_SECONDS


@dataclass(frozen=True)
class StoredUpload:
    path: str  # the storage name in the private storage: `<folder>/<uuid4 hex>.<ext>`
    content_type: str
    size: int
    original_name: str


def private_storage() -> Storage:
    """The one storage of private files, `STORAGES["private"]`."""
    return storages[PRIVATE_STORAGE]


@contextmanager
def _unavailable_raised(action: str) -> Iterator[None]:
    """The storage's own failures as StorageUnavailable, logged in one line (no stack: an
    outage, not a bug; the cause names no person, keys are random)."""
    try:
        yield
    except MISSING:
        raise
    except UNAVAILABLE as error:
        cause = (str(error).strip().splitlines() or [""])[0]
        kind = type(error).__name__
        logger.warning("Private storage unavailable (%s): %s %s", action, kind, cause)
        raise StorageUnavailable() from error


def _size(file: IO[bytes]) -> int:
    size = getattr(file, "size", None)
    if isinstance(size, int):
        return size
    file.seek(0, 2)
    size = file.tell()
    file.seek(0)
    return size


def detect_file_type(head: bytes) -> str | None:
    """`pdf`, `jpg` or `png` from the leading bytes, or None."""
    for kind, magic in MAGIC:
        if head.startswith(magic):
            return kind
    return None


def _image_is_valid(
    file: IO[bytes], kind: str, attr: str, max_dimensions: tuple[int, int] | None = None
) -> bool:
    """Whether Pillow reads the header as `kind` and verifies it; ImageTooLarge by its size
    (over MAX_IMAGE_PIXELS, or wider or taller than `max_dimensions`, width × height).

    Only the header is read (never the pixels); Pillow's own decompression-bomb guard, a
    warning and then an error at a higher size, counts as too large as well.
    """
    file.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                if image.format != PILLOW_FORMATS[kind]:
                    return False
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise ImageTooLarge(attr=attr)
                if max_dimensions and (width > max_dimensions[0] or height > max_dimensions[1]):
                    raise ImageTooLarge(
                        message=_("The image must be at most %(width)s×%(height)s pixels.")
                        % {"width": max_dimensions[0], "height": max_dimensions[1]},
                        attr=attr,
                    )
                image.verify()
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise ImageTooLarge(attr=attr)
    except ImageTooLarge:
        raise
    except Exception:  # Pillow raises many types for broken or hostile files
        return False
    finally:
        file.seek(0)
    return True


def store_private_upload(
    *,
    file: IO[bytes],
    folder: str,
    allowed: frozenset[str] = DOCUMENT_TYPES,
    max_bytes: int = DEFAULT_MAX_BYTES,
    attr: str = "file",
    max_dimensions: tuple[int, int] | None = None,
) -> StoredUpload:
    """Check an uploaded file by its content and store it under a random name (SPEC §14).

    Refusals (all 400, on `attr`): `file_empty`, `file_too_large` (over `max_bytes`),
    `unsupported_file_type` (content not one of `allowed`, or an image Pillow cannot verify),
    `image_too_large` (over MAX_IMAGE_PIXELS, or over `max_dimensions` width × height).
    The stored path is `<folder>/<uuid4 hex>.<ext>`; the client's file name is kept only as
    data (`original_name`), never as a path.
    """
    if not FOLDER_RE.fullmatch(folder):
        raise ValueError(f"Invalid upload folder: {folder!r}")
    size = upload_size_check(file, max_bytes=max_bytes, attr=attr)
    file.seek(0)
    kind = detect_file_type(file.read(16))
    file.seek(0)
    if kind not in allowed or (
        kind in PILLOW_FORMATS and not _image_is_valid(file, kind, attr, max_dimensions)
    ):
        raise DomainError(
            CommonErrorCode.UNSUPPORTED_FILE_TYPE,
            _("This file type is not accepted. Upload one of: %(types)s.")
            % {"types": ", ".join(sorted(t.upper() for t in allowed))},
            attr=attr,
        )
    name = f"{folder}/{uuid.uuid4().hex}.{kind}"
    try:
        with _unavailable_raised("store"):
            stored = private_storage().save(name, File(file, name=name))
    except StorageUnavailable:
        # A file system may keep what it wrote before failing (object storage keeps nothing).
        with contextlib.suppress(*MISSING, *UNAVAILABLE):
            private_storage().delete(name)
        raise
    return StoredUpload(
        path=stored, content_type=CONTENT_TYPES[kind], size=size, original_name=original_name(file)
    )


def upload_size_check(file: IO[bytes], *, max_bytes: int, attr: str = "file") -> int:
    """The file's size in bytes; refused (400, on `attr`) when empty (`file_empty`) or over
    `max_bytes` (`file_too_large`)."""
    size = _size(file)
    if size <= 0:
        raise DomainError(CommonErrorCode.FILE_EMPTY, _("The file is empty."), attr=attr)
    if size > max_bytes:
        raise DomainError(
            CommonErrorCode.FILE_TOO_LARGE,
            _("The file is too large (at most %(size)s).") % {"size": _human_size(max_bytes)},
            attr=attr,
        )
    return size


def original_name(file: IO[bytes]) -> str:
    """The client's file name, kept only as data: the last path part, at most 255 characters."""
    name = PurePosixPath(str(getattr(file, "name", "") or "").replace("\\", "/")).name
    return name[:ORIGINAL_NAME_MAX]


def open_private_upload(name: str) -> File:
    """The stored file `name`, opened for reading and fetched: 404 `file_not_found` if there
    is none, 503 `storage_unavailable` if the storage cannot say.

    Object storage downloads an object on its first read, into a temporary file kept in
    memory up to AWS_S3_MAX_MEMORY_SIZE and on disk beyond it; that happens here, so an outage
    is a coded answer before a download begins, never a download cut short. The caller closes
    the file (a FileResponse does, once the last chunk is sent).
    """
    if not name:
        raise _file_not_found()
    file = None
    try:
        with _unavailable_raised("open"):
            file = private_storage().open(name, "rb")
            file.open("rb")  # fetched now (the file system: already open; rewound)
    except MISSING:
        raise _file_not_found() from None
    except StorageUnavailable:
        if file is not None:
            file.close()
        raise
    return file


def read_private_upload(name: str) -> bytes:
    """The bytes of a small stored file (an MMS image, < 300 KB); refused like
    `open_private_upload`."""
    with open_private_upload(name) as file, _unavailable_raised("read"):
        return file.read()


def delete_private_upload(name: str) -> None:
    """Remove a stored file (e.g. when the row that refers to it was not saved). Best effort:
    a storage that is down keeps it, which is logged (nothing refers to it)."""
    try:
        with _unavailable_raised("delete"):
            private_storage().delete(name)
    except (*MISSING, StorageUnavailable):
        pass


def _file_not_found() -> NotFound:
    return NotFound(CommonErrorCode.FILE_NOT_FOUND, _("The file was not found."))


def _human_size(size: int) -> str:
    if size >= 1024 * 1024 and size % (1024 * 1024) == 0:
        return f"{size // (1024 * 1024)} MB"
    if size >= 1024 and size % 1024 == 0:
        return f"{size // 1024} KB"
    return f"{size} bytes"


# --- moving a deployment's files into the private storage -----------------------------------


@dataclass(frozen=True)
class CopiedFile:
    name: str
    size: int
    outcome: str  # "copied", "present" (there already, same size) or "mismatch"


def private_files_copy(*, source: Storage) -> Iterator[CopiedFile]:
    """Copy every file of `source` (a former private storage, e.g. a machine's disk) into the
    private storage under the same name, one at a time, streamed; yields each outcome.

    Idempotent and resumable: a file already there with the same size is left alone; one there
    with another size (an interrupted copy) is replaced. Each copy is verified by the size the
    storage then reports (`mismatch` otherwise). 503 `storage_unavailable` stops it: run it
    again to resume.
    """
    target = private_storage()
    for name in _walk(source, ""):
        size = source.size(name)
        with _unavailable_raised("copy"):
            outcome = _copy(source, target, name, size)
        yield CopiedFile(name, size, outcome)


def _copy(source: Storage, target: Storage, name: str, size: int) -> str:
    if target.exists(name):
        if target.size(name) == size:
            return "present"
        target.delete(name)  # an interrupted copy: the name must be free to be kept
    with source.open(name, "rb") as file:
        saved = target.save(name, File(file, name=name))
    return "copied" if saved == name and target.size(name) == size else "mismatch"


def _walk(storage: Storage, folder: str) -> Iterator[str]:
    folders, files = storage.listdir(folder)
    for file in sorted(files):
        yield f"{folder}/{file}" if folder else file
    for child in sorted(folders):
        yield from _walk(storage, f"{folder}/{child}" if folder else child)
