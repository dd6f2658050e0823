"""`Idempotency-Key` on POSTs, declared by a view (SPEC §14 retries).

A view opts in with `IdempotentMixin` (before the base view in its bases) and `idempotent_methods`
(`{"POST"}` by default); `idempotency_key_required = True` makes the header mandatory.

- The key is 1–255 printable ASCII characters, else 400 `idempotency_key_invalid`; missing →
  ignored, or 400 `idempotency_key_required` when the view requires it.
- Keys are per caller (the logged-in member): the same key by two members is two keys. An
  anonymous request has no caller to scope the key to, so its key is checked but not used.
- A request with a key runs in one transaction that first inserts the caller's (caller, key) row.
  That unique insert is the lock: on PostgreSQL a concurrent duplicate waits on the unique index
  until the first commits, then replays its answer (or runs, if the first rolled back). An
  in-progress row is never committed, so `idempotency_in_progress` (409, Retry-After) is only a
  safeguard.
- Same key, same fingerprint (method + path + canonical body) within 24 h → the first answer's
  status and body again, with `Idempotent-Replayed: true`. Other fingerprint → 409
  `idempotency_key_reused`.
- Every answer below 500 is stored and replayed, 4xx included (the request itself was refused;
  sending it again gets the same refusal). A 5xx answer or an exception rolls the whole request
  back, record included, so a retry runs afresh. Only status and body are replayed, not headers.
"""

import hashlib
import json
import re

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from domain.common.errors import CommonErrorCode, Conflict, DomainError
from domain.common.idempotency import REPLAY_WINDOW
from domain.common.models import IdempotencyRecord

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEY_PATTERN = re.compile(r"[\x20-\x7e]{1,255}")
IN_PROGRESS_RETRY_AFTER_SECONDS = 1


class _Encoder(JSONEncoder):
    def default(self, obj):
        if isinstance(obj, UploadedFile):  # a file counts by its name and content
            digest = hashlib.sha256()
            for chunk in obj.chunks():
                digest.update(chunk)
            obj.seek(0)
            return {"file": obj.name, "size": obj.size, "sha256": digest.hexdigest()}
        return super().default(obj)


def request_fingerprint(request) -> str:
    data = request.data
    if isinstance(data, QueryDict):
        data = {key: data.getlist(key) for key in data}
    body = json.dumps(data, cls=_Encoder, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(f"{request.method}\n{request.path}\n{body}".encode()).hexdigest()


class _Replay(Exception):  # noqa: N818  (not an error: carries the stored answer out of initial)
    def __init__(self, record: IdempotencyRecord) -> None:
        self.record = record
        super().__init__(record.key)


def idempotency_refusals(view, method: str) -> dict[int, list[CommonErrorCode]]:
    """What `IdempotentMixin` can refuse `method` of `view` with (nothing if it does not apply)."""
    if method.upper() not in getattr(view, "idempotent_methods", ()):
        return {}
    invalid = [CommonErrorCode.IDEMPOTENCY_KEY_INVALID]
    if view.idempotency_key_required:
        invalid.append(CommonErrorCode.IDEMPOTENCY_KEY_REQUIRED)
    conflicts = [CommonErrorCode.IDEMPOTENCY_KEY_REUSED, CommonErrorCode.IDEMPOTENCY_IN_PROGRESS]
    return {400: invalid, 409: conflicts}


class IdempotentMixin:
    idempotent_methods: frozenset[str] | set[str] = frozenset({"POST"})
    idempotency_key_required = False
    _idempotency_record: IdempotencyRecord | None = None

    def dispatch(self, request, *args, **kwargs):
        if request.method in self.idempotent_methods and HEADER in request.headers:
            with transaction.atomic():  # the record and the view's work commit together
                return super().dispatch(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if request.method in self.idempotent_methods:
            self.idempotency_claim(request)

    def idempotency_claim(self, request) -> None:
        """Claim the caller's key for this request, or replay / refuse (`idempotency_refusals`
        lists what it can answer; the schema and tests/api/contract/test_documented_codes.py
        read it)."""
        key = request.headers.get(HEADER)
        if key is None:
            if self.idempotency_key_required:
                raise DomainError(
                    CommonErrorCode.IDEMPOTENCY_KEY_REQUIRED,
                    _("This request needs an Idempotency-Key header."),
                )
            return
        if not KEY_PATTERN.fullmatch(key):
            raise DomainError(
                CommonErrorCode.IDEMPOTENCY_KEY_INVALID,
                _("The Idempotency-Key must be 1 to 255 printable ASCII characters."),
            )
        caller = request.user
        if not getattr(caller, "is_authenticated", False):
            return
        fingerprint = request_fingerprint(request)
        now = timezone.now()
        records = IdempotencyRecord.objects.filter(caller=caller, key=key)
        records.filter(expires_at__lte=now).delete()  # past 24 h the key is free again
        try:
            with transaction.atomic():
                self._idempotency_record = IdempotencyRecord.objects.create(
                    site_id=getattr(caller, "site_id", None),
                    caller=caller,
                    key=key,
                    fingerprint=fingerprint,
                    created_at=now,
                    expires_at=now + REPLAY_WINDOW,
                )
        except IntegrityError:
            record = records.first()
            if record is not None and record.fingerprint != fingerprint:
                raise Conflict(
                    CommonErrorCode.IDEMPOTENCY_KEY_REUSED,
                    _("This Idempotency-Key was already used with another request."),
                ) from None
            if record is None or record.state != IdempotencyRecord.State.DONE:
                raise Conflict(
                    CommonErrorCode.IDEMPOTENCY_IN_PROGRESS,
                    _("A request with this Idempotency-Key is still in progress."),
                ) from None
            raise _Replay(record) from None

    def handle_exception(self, exc):
        if isinstance(exc, _Replay):
            record = exc.record
            return Response(
                record.response_body,
                status=record.response_status,
                headers={REPLAYED_HEADER: "true"},
            )
        response = super().handle_exception(exc)
        if getattr(exc, "code", None) == CommonErrorCode.IDEMPOTENCY_IN_PROGRESS:
            response["Retry-After"] = str(IN_PROGRESS_RETRY_AFTER_SECONDS)
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        record, self._idempotency_record = self._idempotency_record, None
        if record is None:
            return response
        if response.status_code >= 500:
            transaction.set_rollback(True)  # the record goes too: a retry runs again
        elif not isinstance(response, Response):
            record.delete()  # not a REST framework answer (a file): nothing to replay
        else:
            record.state = IdempotencyRecord.State.DONE
            record.response_status = response.status_code
            record.response_body = json.loads(json.dumps(response.data, cls=JSONEncoder))
            record.save(update_fields=["state", "response_status", "response_body"])
        return response
