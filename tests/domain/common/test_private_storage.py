"""The one private storage (STORAGES["private"]; SPEC §14 "uploads"): the file system by
default, an S3-compatible bucket when PRIVATE_STORAGE_BUCKET is set. Files are stored under
random keys and read back through the storage by name; an outage is 503 `storage_unavailable`
and leaves nothing behind."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile

from domain.common.errors import DomainError
from domain.common.uploads import (
    StorageUnavailable,
    delete_private_upload,
    open_private_upload,
    private_storage,
    read_private_upload,
    store_private_upload,
)
from tests.api.corporates import PDF


def stored_pdf(name: str = "사업자등록증.pdf", content: bytes = PDF):
    return store_private_upload(
        file=SimpleUploadedFile(name, content, content_type="text/plain"),
        folder="corporates/onnuri-biz/registration_certificate",
    )


def test_the_default_is_this_machines_disk_with_owner_only_permissions(settings):
    stored = stored_pdf()
    assert isinstance(private_storage(), FileSystemStorage)
    path = settings.PRIVATE_MEDIA_ROOT / stored.path
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert read_private_upload(stored.path) == PDF


def test_in_a_bucket_the_object_has_a_random_key_and_no_public_grant(s3_storage, settings):
    stored = stored_pdf()
    assert re.fullmatch(
        r"corporates/onnuri-biz/registration_certificate/[0-9a-f]{32}\.pdf", stored.path
    )
    [summary] = s3_storage.objects.all()
    assert summary.key == stored.path
    item = summary.Object()
    assert item.get()["Body"].read() == PDF
    # The checked type, never the client's claim; the original name is data, not metadata.
    assert item.content_type == "application/pdf"
    assert item.metadata == {} and not item.content_disposition
    grants = item.Acl().grants
    assert all(g["Grantee"].get("URI", "").endswith("AllUsers") is False for g in grants)
    assert [g["Permission"] for g in grants] == ["FULL_CONTROL"]  # the owner only
    assert not settings.PRIVATE_MEDIA_ROOT.exists()  # nothing on this machine's disk


def test_in_a_bucket_it_is_read_back_through_the_storage_by_name(s3_storage):
    stored = stored_pdf()
    with open_private_upload(stored.path) as file:
        assert file.read() == PDF
    assert read_private_upload(stored.path) == PDF
    delete_private_upload(stored.path)
    assert list(s3_storage.objects.all()) == []


@pytest.mark.parametrize("name", ["corporates/missing.pdf", "../outside.pdf", ""])
def test_in_a_bucket_a_missing_object_is_not_found(s3_storage, name):
    with pytest.raises(DomainError) as caught:
        open_private_upload(name)
    assert (caught.value.status, caught.value.code) == (404, "file_not_found")


def test_a_storage_that_does_not_answer_stores_nothing_and_says_so(storage_down, settings):
    with pytest.raises(StorageUnavailable) as caught:
        stored_pdf()
    assert (caught.value.status, caught.value.code) == (503, "storage_unavailable")
    assert caught.value.retry_after == 30
    assert not settings.PRIVATE_MEDIA_ROOT.exists()


def test_a_storage_that_does_not_answer_cannot_be_read(storage_down):
    with pytest.raises(StorageUnavailable):
        open_private_upload("corporates/onnuri-biz/bankbook/0123456789abcdef0123456789abcdef.png")
    delete_private_upload("corporates/x.pdf")  # best effort: never raises


def test_a_full_disk_is_unavailable_too_and_leaves_no_partial_file(settings, monkeypatch):
    """The file system may have written part of the file before failing: it is removed."""
    written = []

    def fail_midway(self, name, content):
        path = self.path(name)
        path_dir = settings.PRIVATE_MEDIA_ROOT / name.rsplit("/", 1)[0]
        path_dir.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as partial:
            partial.write(b"%PDF-")
        written.append(path)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(FileSystemStorage, "_save", fail_midway)
    with pytest.raises(StorageUnavailable):
        stored_pdf()
    [path] = written
    assert not (settings.PRIVATE_MEDIA_ROOT / path).exists()


def test_no_view_job_or_service_names_a_private_path():
    """Private files go through STORAGES["private"] only: outside the settings, the file system
    and its root are named by the command that moves a one-machine site's files alone."""
    root = Path(__file__).resolve().parents[3]
    allowed = {root / "domain/common/management/commands/private_files_copy.py"}
    naming = {
        path
        for package in ("domain", "api", "workers", "demo")
        for path in (root / package).rglob("*.py")
        if re.search(r"FileSystemStorage|PRIVATE_MEDIA_ROOT", path.read_text())
    }
    assert naming == allowed
