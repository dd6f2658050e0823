"""`manage.py private_files_copy`: a site that started on one machine moves its private files into
the bucket (docs "Deployment"): every file under the same name, verified by size; run again, it
copies nothing; interrupted, it resumes; the rows' files are then served from the bucket."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from domain.common.uploads import read_private_upload, store_private_upload
from tests.api.corporates import PDF, png_bytes


def copy(*args: str) -> str:
    out = io.StringIO()
    call_command("private_files_copy", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def on_disk():
    """Three files a one-machine deployment stored; their names."""
    return [
        store_private_upload(file=SimpleUploadedFile("a.pdf", PDF), folder="corporates/a").path,
        store_private_upload(file=SimpleUploadedFile("b.png", png_bytes()), folder="b").path,
        store_private_upload(file=SimpleUploadedFile("c.pdf", PDF * 200), folder="name").path,
    ]


def to_the_bucket(request):
    """The deployment now sets PRIVATE_STORAGE_BUCKET; PRIVATE_MEDIA_ROOT still holds the files."""
    return request.getfixturevalue("s3_storage")


def test_every_file_goes_into_the_bucket_under_its_name_then_reads_from_there(
    on_disk, settings, request
):
    contents = {name: read_private_upload(name) for name in on_disk}
    bucket = to_the_bucket(request)
    output = copy()
    assert "3 copied, 0 already there, 0 with another size after copying." in output
    assert {item.key: item.get()["Body"].read() for item in bucket.objects.all()} == contents
    assert {name: read_private_upload(name) for name in on_disk} == contents  # via the bucket


def test_run_again_it_copies_nothing(on_disk, settings, request):
    to_the_bucket(request)
    copy()
    assert "0 copied, 3 already there" in copy()


def test_an_interrupted_copy_is_resumed_and_a_truncated_object_replaced(on_disk, settings, request):
    bucket = to_the_bucket(request)
    first, second, _ = sorted(on_disk)
    on_this_disk = {name: (settings.PRIVATE_MEDIA_ROOT / name).read_bytes() for name in on_disk}
    bucket.put_object(Key=first, Body=on_this_disk[first])  # copied before the stop
    bucket.put_object(Key=second, Body=b"%PDF-")  # cut short
    output = copy()
    assert "2 copied, 1 already there, 0 with another size" in output
    assert f"copied   {second}" in output and first not in output
    assert {item.key: item.get()["Body"].read() for item in bucket.objects.all()} == on_this_disk


def test_it_refuses_when_the_private_storage_is_still_the_same_directory(on_disk):
    with pytest.raises(CommandError, match="PRIVATE_STORAGE_BUCKET"):
        copy()


def test_a_storage_that_stops_answering_stops_it_with_a_hint_to_resume(on_disk, request):
    request.getfixturevalue("storage_down")
    with pytest.raises(CommandError, match="run this again to resume"):
        copy()


def test_from_another_directory(on_disk, settings, request, tmp_path):
    old_root = settings.PRIVATE_MEDIA_ROOT
    moved = tmp_path / "old-machine"
    old_root.rename(moved)
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "empty"
    bucket = to_the_bucket(request)
    assert "3 copied" in copy("--from", str(moved))
    assert sorted(item.key for item in bucket.objects.all()) == sorted(on_disk)
