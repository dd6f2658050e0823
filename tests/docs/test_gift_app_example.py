"""The docs' gift app callback example ("Gift app callbacks") works against `make run`: its
secret is the one backend.settings.local configures, its worked figures are what the documented
formula gives, and its Python example, run as written, is accepted by the API."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import re
import urllib.error
import urllib.request
from urllib.parse import urlsplit

import pytest

import backend.settings.local as local_settings
from backend.keys import DEV_GIFT_APP_SECRET
from domain.dispatches.gift_app import gift_app_sign
from tests.docs.texts import code_blocks, text
from tests.factories.corporates import corporate_with_master
from tests.factories.gifts import dispatch_sent
from tests.factories.purchases import approved_purchase

SHELL_SECRET = re.compile(r"""SECRET='([^']+)'\s+# GIFT_APP_SECRETS\["onnuri-biz"\]""")
WORKED = re.compile(
    r"Secret\s+`(?P<secret>[^`]+)`,\s+timestamp\s+`(?P<timestamp>\d+)`.*?"
    r"`POST (?P<path>/api/v1/sites/onnuri-biz/gifts/\w+/receive/)`.*?"
    r"the signature\s+`(?P<signature>[0-9a-f]{64})`",
    flags=re.DOTALL,
)


def documented_signature(secret: str, timestamp: str, method: str, path: str, body: bytes):
    """The docs' formula: hex(HMAC-SHA256(secret, "<timestamp>\\n<METHOD>\\n<path>\\n" + body))."""
    message = f"{timestamp}\n{method}\n{path}\n".encode() + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def python_example() -> str:
    blocks = [block for block in code_blocks(text(), "python") if "def gift_callback" in block]
    assert len(blocks) == 1, "one Python example of a signed gift app callback"
    return blocks[0]


def test_the_example_secret_is_the_local_development_secret():
    found = SHELL_SECRET.findall(text())
    assert found, 'the shell example names GIFT_APP_SECRETS["onnuri-biz"]'
    local_secrets = local_settings.GIFT_APP_SECRETS["onnuri-biz"]
    for secret in found:
        assert secret == DEV_GIFT_APP_SECRET
        assert secret in local_secrets  # what `make run` (backend.settings.local) verifies with
        assert f'"{secret}"' in python_example()


def test_the_worked_example_is_what_the_documented_formula_gives():
    worked = WORKED.search(text())
    assert worked, "a worked example: secret, timestamp, path and signature"
    assert worked["secret"] == DEV_GIFT_APP_SECRET
    computed = documented_signature(
        worked["secret"], worked["timestamp"], "POST", worked["path"], b""
    )
    assert computed == worked["signature"]
    # ... and what the server computes (domain.dispatches.gift_app).
    server = gift_app_sign(
        secret=worked["secret"],
        timestamp=worked["timestamp"],
        method="POST",
        path=worked["path"],
        body=b"",
    )
    assert server == worked["signature"]


class _Answer(io.BytesIO):
    """What urllib.request.urlopen returns: a readable body with a status."""

    def __init__(self, status: int, body: bytes):
        super().__init__(body)
        self.status = status


@pytest.mark.django_db
def test_the_python_example_run_as_written_is_accepted_by_the_api(api, settings, monkeypatch):
    # The server as `make run` configures it, and a gift sent under the example's code.
    settings.GIFT_APP_SECRETS = local_settings.GIFT_APP_SECRETS
    example = python_example()
    code = re.search(r'"onnuri-biz",\s*"(\w+)",\s*"receive"', example)[1]
    master = corporate_with_master(username="docsmaster1")
    dispatch_sent(manager=master, purchase=approved_purchase(master, 100_000), codes=[code])

    answers = []

    def urlopen(request: urllib.request.Request):
        """Hands the example's request to the API (in-process), as the network would."""
        headers = {
            "HTTP_" + name.upper().replace("-", "_"): value
            for name, value in request.header_items()
            if name.lower() != "content-type"
        }
        response = api.generic(
            request.get_method(),
            urlsplit(request.full_url).path,
            request.data or b"",
            content_type=request.get_header("Content-type"),
            **headers,
        )
        answers.append(response)
        if response.status_code >= 400:
            raise urllib.error.HTTPError(
                request.full_url, response.status_code, "refused", {}, io.BytesIO(response.content)
            )
        return _Answer(response.status_code, response.content)

    monkeypatch.setattr(urllib.request, "urlopen", urlopen)
    namespace: dict = {}
    exec(compile(example, "docs gift app example", "exec"), namespace)  # noqa: S102

    assert len(answers) == 1
    assert answers[0].status_code == 200, answers[0].content
    assert json.loads(answers[0].content)["status"] == "received"
