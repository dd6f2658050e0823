"""A cap on request bodies, in front of every parser (SPEC §14).

Multipart bodies may carry up to MAX_REQUEST_BYTES (documents), any other body up to
DATA_UPLOAD_MAX_MEMORY_SIZE. A declared Content-Length over the cap is refused (413
`request_too_large`) before a byte is read. A body without Content-Length (chunked) never
reaches Django under WSGI (it reads Content-Length bytes only); under ASGI `limit_asgi_body`
counts it as it arrives and cuts it off at the cap.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from .errors import request_too_large


def body_limit(content_type: str) -> int:
    if content_type.lower().startswith("multipart/"):
        return settings.MAX_REQUEST_BYTES
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE or settings.MAX_REQUEST_BYTES


def _declared_length(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class RequestSizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        length = _declared_length(request.META.get("CONTENT_LENGTH"))
        if length is not None and length > body_limit(request.META.get("CONTENT_TYPE", "")):
            return request_too_large(request)
        return self.get_response(request)


def limit_asgi_body(app):
    """Wrap an ASGI application so no HTTP body over the cap reaches it (backend.asgi)."""

    async def limited(scope, receive, send):
        if scope["type"] != "http":
            return await app(scope, receive, send)
        headers = {name.lower(): value.decode("latin-1") for name, value in scope["headers"]}
        limit = body_limit(headers.get(b"content-type", ""))
        if (_declared_length(headers.get(b"content-length")) or 0) > limit:
            return await _send_too_large(scope, send)
        received = 0
        cut_off = False

        async def counting_receive():
            nonlocal received, cut_off
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    cut_off = True
                    return {"type": "http.disconnect"}  # Django stops reading and answers nothing
            return message

        await app(scope, counting_receive, send)
        if cut_off:
            await _send_too_large(scope, send)

    return limited


async def _send_too_large(scope, send) -> None:
    request = HttpRequest()  # only its Accept-Language counts: the body's language
    for name, value in scope["headers"]:
        if name.lower() == b"accept-language":
            request.META["HTTP_ACCEPT_LANGUAGE"] = value.decode("latin-1")
    response = request_too_large(request)
    await send(
        {
            "type": "http.response.start",
            "status": response.status_code,
            "headers": [
                (name.encode("latin-1"), value.encode("latin-1"))
                for name, value in response.items()
            ],
        }
    )
    await send({"type": "http.response.body", "body": response.content})
