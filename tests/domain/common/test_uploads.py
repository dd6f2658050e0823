"""Private uploads: type by content, size limit, random names (SPEC §14 "uploads")."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from reportlab.pdfgen import canvas

from domain.common.errors import DomainError
from domain.common.uploads import (
    IMAGE_JPG,
    open_private_upload,
    store_private_upload,
)


def pdf_bytes() -> bytes:
    buffer = io.BytesIO()
    document = canvas.Canvas(buffer, invariant=1)  # same bytes every time
    document.drawString(72, 720, "certificate")
    document.save()
    return buffer.getvalue()


def image_bytes(fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 10, 10)).save(buffer, fmt)
    return buffer.getvalue()


def refusal(**kwargs) -> str:
    with pytest.raises(DomainError) as caught:
        store_private_upload(folder="tests", **kwargs)
    return caught.value.code


def test_a_real_pdf_is_stored_under_a_random_name(settings):
    content = pdf_bytes()
    stored = store_private_upload(
        file=SimpleUploadedFile("내 증명서.pdf", content, content_type="text/plain"),
        folder="tests",
    )
    assert re.fullmatch(r"tests/[0-9a-f]{32}\.pdf", stored.path)
    assert stored.content_type == "application/pdf"
    assert stored.size == len(content)
    assert stored.original_name == "내 증명서.pdf"
    assert (settings.PRIVATE_MEDIA_ROOT / stored.path).read_bytes() == content
    with open_private_upload(stored.path) as file:
        assert file.read() == content


def test_two_uploads_of_the_same_file_get_different_names():
    first = store_private_upload(file=SimpleUploadedFile("a.pdf", pdf_bytes()), folder="tests")
    second = store_private_upload(file=SimpleUploadedFile("a.pdf", pdf_bytes()), folder="tests")
    assert first.path != second.path


@pytest.mark.parametrize(
    "fmt,ext,content_type", [("PNG", "png", "image/png"), ("JPEG", "jpg", "image/jpeg")]
)
def test_images_are_recognised_by_content_whatever_their_name(fmt, ext, content_type):
    stored = store_private_upload(
        file=SimpleUploadedFile("scan.pdf", image_bytes(fmt), content_type="application/pdf"),
        folder="tests",
    )
    assert stored.path.endswith(f".{ext}")
    assert stored.content_type == content_type


def test_an_exe_renamed_pdf_is_refused():
    exe = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120
    file = SimpleUploadedFile("cert.pdf", exe, content_type="application/pdf")
    assert refusal(file=file) == "unsupported_file_type"


def test_a_broken_png_is_refused():
    file = SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 20)
    assert refusal(file=file) == "unsupported_file_type"


def test_a_type_outside_the_allowed_set_is_refused():
    file = SimpleUploadedFile("x.png", image_bytes("PNG"))
    assert refusal(file=file, allowed=IMAGE_JPG) == "unsupported_file_type"


def test_over_the_limit_is_refused_and_nothing_is_stored(settings):
    big = b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024)
    assert refusal(file=SimpleUploadedFile("big.pdf", big)) == "file_too_large"
    assert not (settings.PRIVATE_MEDIA_ROOT / "tests").exists()


def test_an_empty_file_is_refused():
    assert refusal(file=SimpleUploadedFile("empty.pdf", b"")) == "file_empty"


def test_the_error_names_the_field():
    with pytest.raises(DomainError) as caught:
        store_private_upload(file=SimpleUploadedFile("e.pdf", b""), folder="tests", attr="evidence")
    assert caught.value.attr == "evidence"


@pytest.mark.parametrize("path", ["../secret.txt", "/etc/passwd", "tests/missing.pdf", ""])
def test_opening_a_path_outside_the_root_or_missing_is_not_found(path):
    with pytest.raises(DomainError) as caught:
        open_private_upload(path)
    assert caught.value.code == "file_not_found"


def test_a_folder_with_traversal_is_a_programming_error():
    with pytest.raises(ValueError):
        store_private_upload(file=SimpleUploadedFile("a.pdf", pdf_bytes()), folder="../x")
