"""Limits on input (SPEC §14 "uploads").

A body over the cap is refused with a coded 413 before anything reads it; an image whose header
claims enormous dimensions is refused before anything decodes it, and nothing is stored.
"""

import asyncio
import json
import struct
import zlib
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from domain.common.uploads import DEFAULT_MAX_BYTES
from domain.corporates.signup import FILE_FIELDS
from domain.members.models import NameChangeRequest
from tests.api.members import ANIMAL, SITE, headers_for
from tests.conftest import error_codes, identity

pytestmark = pytest.mark.django_db
HUGE = 300 * 1024 * 1024


class RecordingStream:
    """A wsgi.input that records every read (and has nothing to give)."""

    def __init__(self):
        self.reads = 0

    def read(self, *args):
        self.reads += 1
        return b""

    def readline(self, *args):
        self.reads += 1
        return b""


def test_a_huge_multipart_post_is_refused_before_its_body_is_read(api):
    stream = RecordingStream()
    response = api.generic(
        "POST",
        SITE.format("onnuri-biz") + "corporates/",
        b"",
        content_type="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(HUGE),
        **{"wsgi.input": stream},
    )
    assert response.status_code == 413
    assert error_codes(response) == ["request_too_large"]
    assert response.json()["type"] == "client_error"
    assert stream.reads == 0


def test_a_json_body_over_the_form_limit_is_refused_unread(api, settings):
    stream = RecordingStream()
    response = api.generic(
        "POST",
        SITE.format("yongin-library") + "auth/token/",
        b"",
        content_type="application/json",
        CONTENT_LENGTH=str(settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1),
        HTTP_ACCEPT_LANGUAGE="en",
        **{"wsgi.input": stream},
    )
    assert response.status_code == 413
    assert error_codes(response) == ["request_too_large"]
    assert "too large" in response.json()["errors"][0]["detail"]
    assert stream.reads == 0


def test_django_s_own_parsing_limits_are_coded_413s_too(api):
    url = SITE.format("onnuri-biz") + "corporates/"
    files = {f"document{i}": SimpleUploadedFile(f"{i}.pdf", b"%PDF-1.4") for i in range(11)}
    too_many = api.post(url, files, format="multipart")
    assert too_many.status_code == 413
    assert error_codes(too_many) == ["request_too_large"]
    big_field = api.post(url, {"company_name": "x" * 3_000_000}, format="multipart")
    assert big_field.status_code == 413
    assert error_codes(big_field) == ["request_too_large"]


def test_the_default_cap_admits_a_company_sign_up_with_every_document_at_its_limit(settings):
    documents = len(FILE_FIELDS) * DEFAULT_MAX_BYTES
    cap = settings.MAX_REQUEST_BYTES
    assert documents + 64 * 1024 < cap < 2 * documents  # room for the form, a bit over


def run_asgi(path: str, chunks: list[bytes], headers: list[tuple[bytes, bytes]]):
    """Drive backend.asgi's application with a chunked body; (status, body, chunks read)."""
    from backend.asgi import application

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"localhost"), *headers],
        "client": ("127.0.0.1", 5000),
        "server": ("localhost", 80),
    }
    messages = [
        {"type": "http.request", "body": chunk, "more_body": index < len(chunks) - 1}
        for index, chunk in enumerate(chunks)
    ]
    read = 0
    sent: list[dict] = []

    async def receive():
        nonlocal read
        if read < len(messages):
            read += 1
            return messages[read - 1]
        await asyncio.sleep(3600)  # the client waits for the answer

    async def send(message):
        sent.append(message)

    asyncio.run(application(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], body, read


def test_a_chunked_body_over_the_cap_is_cut_off_with_a_413(settings):
    settings.MAX_REQUEST_BYTES = 1024 * 1024
    chunks = [b"x" * 64 * 1024] * 64  # 4 MB, no Content-Length
    status, body, read = run_asgi(
        "/api/v1/no-such-thing/",
        chunks,
        [(b"content-type", b"multipart/form-data; boundary=xyz")],
    )
    assert status == 413
    assert [e["code"] for e in json.loads(body)["errors"]] == ["request_too_large"]
    assert read <= 17  # stopped just past 1 MB, not the 64 chunks


def test_an_asgi_content_length_over_the_cap_is_refused_unread(settings):
    status, body, read = run_asgi(
        "/api/v1/no-such-thing/",
        [b"x"],
        [
            (b"content-type", b"multipart/form-data; boundary=xyz"),
            (b"content-length", str(HUGE).encode()),
        ],
    )
    assert status == 413
    assert read == 0


def test_a_chunked_body_under_the_cap_goes_through(settings):
    status, body, read = run_asgi(
        "/api/v1/no-such-thing/", [b"{}"], [(b"content-type", b"application/json")]
    )
    assert status == 404
    assert [e["code"] for e in json.loads(body)["errors"]] == ["not_found"]


def png_claiming(width: int, height: int) -> bytes:
    """A small, well-formed PNG whose header claims width × height pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 16))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    "width,height", [(30000, 30000), (12000, 9000), (9000, 6000)], ids=["900M", "108M", "54M"]
)
def test_an_image_claiming_enormous_dimensions_is_refused_and_not_stored(
    api, verify, member_factory, site_of, settings, width, height
):
    member = member_factory(
        site=site_of(ANIMAL), name="홍길동", birth_date=date(1990, 1, 1), mobile="01012345678"
    )
    headers = headers_for(api, member)
    token = verify(ANIMAL, "profile_update", identity(name="홍길순"), headers=headers)
    content = png_claiming(width, height)
    assert len(content) < 200
    response = api.post(
        SITE.format(ANIMAL) + "name-change-requests/",
        {
            "requested_name": "홍길순",
            "verification_token": token,
            "evidence": SimpleUploadedFile("scan.png", content, content_type="image/png"),
        },
        format="multipart",
        **headers,
    )
    assert response.status_code == 400
    assert error_codes(response) == ["image_too_large"]
    assert response.json()["errors"][0]["attr"] == "evidence"
    assert not NameChangeRequest.objects.exists()
    root = settings.PRIVATE_MEDIA_ROOT
    assert not root.exists() or not any(p.is_file() for p in root.rglob("*"))


@pytest.mark.parametrize(
    "width,height,refused", [(5000, 10000, False), (5001, 10000, True)], ids=["50M", "50M+"]
)
def test_the_pixel_limit_is_50_megapixels(width, height, refused):
    from domain.common.errors import DomainError
    from domain.common.uploads import MAX_IMAGE_PIXELS, store_private_upload

    assert MAX_IMAGE_PIXELS == 50_000_000  # an A4 page at 600 dpi is 4960 × 7016
    upload = SimpleUploadedFile("scan.png", png_claiming(width, height))
    if refused:
        with pytest.raises(DomainError) as caught:
            store_private_upload(file=upload, folder="tests")
        assert caught.value.code == "image_too_large"
    else:
        assert store_private_upload(file=upload, folder="tests").content_type == "image/png"
