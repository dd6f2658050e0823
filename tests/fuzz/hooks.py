"""Schemathesis hooks of `make fuzz`, one role per `schemathesis run` (tests/fuzz/run.py).

The driver sets, per role:
  FUZZ_ORIGIN   the live API, e.g. http://127.0.0.1:18700
  FUZZ_SITES    the sites the `{site}` path parameter takes (the role's own; all for anonymous)
  FUZZ_REFRESH  the role's refresh token (absent for anonymous): the auth hook trades it for an
                access token, again every 10 minutes (access tokens live 15)
  FUZZ_STATS    where the request figures of this role are written when the run ends

Checks: schemathesis' own four (no 5xx, documented status, documented content type, body
valid against the schema) and `json_body` below.
"""

from __future__ import annotations

import atexit
import json
import os
import threading
from collections import Counter

import requests
import schemathesis

ORIGIN = os.environ.get("FUZZ_ORIGIN", "http://127.0.0.1:8000")
SITES = os.environ.get("FUZZ_SITES", "yongin-library").split(",")
STATS_PATH = os.environ.get("FUZZ_STATS")
# Answers with no body at all (RFC 9110): nothing to parse.
BODYLESS = {204, 304}


@schemathesis.hook
def before_load_schema(context, raw_schema: dict) -> None:
    """`{site}` is a free string in the schema; a role's token is valid on its own site only
    (401 `token_site_mismatch` elsewhere, tests/api/auth), so the role's requests go there."""
    for path_item in raw_schema.get("paths", {}).values():
        operations = [op for op in path_item.values() if isinstance(op, dict)]
        for holder in [path_item, *operations]:
            for parameter in holder.get("parameters", []):
                if parameter.get("in") == "path" and parameter.get("name") == "site":
                    parameter["schema"] = {"type": "string", "enum": SITES}


if os.environ.get("FUZZ_REFRESH"):

    @schemathesis.auth(refresh_interval=600, retry_on=[])
    class RoleToken:
        """A fresh access token from the role's refresh token (rotated on each use)."""

        refresh = os.environ["FUZZ_REFRESH"]
        lock = threading.Lock()

        def get(self, case, ctx):
            with self.lock:
                answer = requests.post(
                    f"{ORIGIN}/api/v1/sites/{SITES[0]}/auth/token/refresh/",
                    json={"refresh": type(self).refresh},
                    timeout=30,
                )
                if answer.status_code != 200:
                    raise RuntimeError(f"token refresh failed: {answer.status_code} {answer.text}")
                tokens = answer.json()
                type(self).refresh = tokens["refresh"]
                return tokens["access"]

        def set(self, case, data, ctx):
            case.headers = case.headers or {}
            case.headers["Authorization"] = f"Bearer {data}"


def documented_media_types(operation, status: int) -> list[str] | None:
    """The media types the schema gives for `status` of `operation`; None if undocumented."""
    responses = operation.definition.raw.get("responses", {})
    response = responses.get(str(status)) or responses.get(f"{str(status)[0]}XX")
    if response is None:
        response = responses.get("default")
    if response is None:
        return None
    return list((response.get("content") or {}).keys())


def is_json_type(media_type: str) -> bool:
    media_type = media_type.split(";")[0].strip().lower()
    return media_type == "application/json" or media_type.endswith("+json")


def json_body_problem(operation, response) -> str | None:
    """Why this answer is not the JSON a client expects; None when it is.

    Every answer is JSON except where the schema documents another media type for its status
    (the PDF manual, Excel exports and templates, stored documents) and bodyless statuses.
    """
    if response.status_code in BODYLESS:
        return None
    documented = documented_media_types(operation, response.status_code) or []
    if documented and not any(is_json_type(t) for t in documented):
        return None
    content_type = ",".join(response.headers.get("content-type", [])) or "(none)"
    if not is_json_type(content_type):
        return f"{response.status_code} answered {content_type}, not JSON"
    try:
        json.loads(response.content)
    except ValueError:
        return f"{response.status_code} answered a body that does not parse as JSON"
    return None


@schemathesis.check
def json_body(ctx, response, case):
    """Every answer is JSON (SPEC §11), unless its status documents another media type."""
    problem = json_body_problem(case.operation, response)
    if problem:
        raise AssertionError(problem)


class Figures:
    """Per-role figures for the README: requests, 5xx, undocumented statuses, non-JSON."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.requests = 0
        self.statuses: Counter[int] = Counter()
        self.server_errors: Counter[str] = Counter()
        self.undocumented: Counter[str] = Counter()
        self.non_json: Counter[str] = Counter()
        self.operations: set[str] = set()

    def record(self, case, response) -> None:
        operation = case.operation
        method = response.request.method
        label = f"{method} {operation.path}"
        status = response.status_code
        with self.lock:
            self.requests += 1
            self.statuses[status] += 1
            if method == operation.method.upper():
                self.operations.add(label)
            if status >= 500:
                self.server_errors[f"{label} → {status}"] += 1
            if method != operation.method.upper():
                pass  # another method on the path (coverage phase): 405, checked by schemathesis
            elif documented_media_types(operation, status) is None:
                self.undocumented[f"{label} → {status}"] += 1
            problem = json_body_problem(operation, response)
            if problem:
                self.non_json[f"{label} → {problem}"] += 1

    def write(self) -> None:
        if not STATS_PATH:
            return
        with open(STATS_PATH, "w", encoding="utf-8") as out:
            json.dump(
                {
                    "requests": self.requests,
                    "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
                    "server_errors": dict(self.server_errors),
                    "undocumented": dict(self.undocumented),
                    "non_json": dict(self.non_json),
                    "operations": sorted(self.operations),
                },
                out,
                ensure_ascii=False,
                indent=1,
            )


FIGURES = Figures()
atexit.register(FIGURES.write)


@schemathesis.hook
def after_call(context, case, response) -> None:
    FIGURES.record(case, response)
