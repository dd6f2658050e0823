"""The one way a status changes (STYLE "One place changes a status"; Saleor `Order.can_cancel`,
Zulip actions: lock → check → change → event row).

A model with a `status` mixes in `StatusMachine` and declares `TRANSITIONS = {from: {to, …}}`.
`transition()` locks the row, checks the table, assigns the status and the fields that go with
it, saves exactly those, and writes the lifecycle's event through its helper (e.g.
`domain.corporates.events.corporate_approved_event`). `transition_many()` does the same for
many rows at once and records either one event per row (`event`) or one event for the rows
moved together (`batch_event`: a dispatch's batch sent, recipients removed or reclaimed), in the
same transaction as the move. Nothing else assigns `status`: tests/domain/common/
test_transitions.py reads the code base for any other assignment.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from django.db import connection, connections, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .errors import CommonErrorCode, Conflict

STATUS = "status"
EACH_CHUNK = 500  # rows per UPDATE of per-row values (bounded SQL parameters)

Stateful = TypeVar("Stateful", bound=models.Model)
# A lifecycle's event helper: called with the object moved and the transition's `**params`.
EventHelper = Callable[..., Any]
# The event of a change of many rows: called once with the list of rows moved (never empty).
BatchEventHelper = Callable[[list], Any]


class StatusMachine:
    """Mixed into every model with a status; `TRANSITIONS` lists the moves each status allows."""

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {}

    def can_transition_to(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, ())


def status_label(obj: models.Model, status: str):
    """The translated label of `status` (the model's `Status` choices), for messages: people
    read 승인대기, not `pending` (SPEC §10)."""
    return dict(type(obj)._meta.get_field(STATUS).flatchoices).get(status, status)


def transition_refused(obj: StatusMachine, to: str) -> Conflict:
    return Conflict(
        CommonErrorCode.INVALID_TRANSITION,
        _("The status cannot move from %(from)s to %(to)s.")
        % {"from": status_label(obj, obj.status), "to": status_label(obj, to)},
    )


def _update_fields(model: type[models.Model], fields: dict[str, Any]) -> list[str]:
    auto_now = [f.name for f in model._meta.concrete_fields if getattr(f, "auto_now", False)]
    return [STATUS, *fields, *(name for name in auto_now if name not in fields)]


def _assign(obj: models.Model, to: str, fields: dict[str, Any], now) -> None:
    obj.status = to
    for name, value in fields.items():
        setattr(obj, name, value)
    for field in obj._meta.concrete_fields:
        if getattr(field, "auto_now", False) and field.name not in fields:
            setattr(obj, field.attname, now)


def transition(
    obj: Stateful,
    to: str,
    *,
    event: EventHelper | None,
    fields: dict[str, Any] | None = None,
    **params: Any,
) -> Stateful:
    """Move `obj` to status `to`, with `fields` set beside it, and record `event(obj, **params)`.

    The row is locked (`select_for_update`) and its status re-read, so two requests racing on
    one object see each other's move; a move `TRANSITIONS` does not allow is 409
    `invalid_transition` and changes nothing. Only the status, `fields` and auto-now fields are
    saved. `event=None` only where a lifecycle keeps no event table (the outbox: its row is the
    log). Runs in the caller's transaction, or its own.
    """
    fields = fields or {}
    model = type(obj)
    with transaction.atomic():
        locked = model._base_manager.select_for_update()
        obj.refresh_from_db(fields=[STATUS], from_queryset=locked)
        if not obj.can_transition_to(to):
            raise transition_refused(obj, to)
        _assign(obj, to, fields, timezone.now())
        obj.save(update_fields=_update_fields(model, fields))
        if event is not None:
            event(obj, **params)
    return obj


def transition_many(
    queryset: models.QuerySet,
    to: str,
    *,
    event: EventHelper | None = None,
    batch_event: BatchEventHelper | None = None,
    fields: dict[str, Any] | None = None,
    each: Callable[[models.Model], dict[str, Any]] | None = None,
    skip_locked: bool = True,
    **params: Any,
) -> list[models.Model]:
    """`transition()` for every row of `queryset` that may move to `to` (expiry jobs, leases).

    One locking query (rows another transaction holds are skipped where the database can: the
    next run takes them; `skip_locked=False` waits for them instead), one UPDATE for the status
    and the shared `fields`. `each(row)` gives each row fields of its own (read before the
    move), written by one more UPDATE (a batch of sends records a provider id each). Rows whose
    status no longer allows the move are left untouched. Returns the rows moved.

    The change is recorded in the same transaction, one of two ways: `event(row, **params)` for
    each row moved (an expiry job), or `batch_event(rows)` once with all the rows moved, where
    the lifecycle records a change of many rows as one event (a dispatch's batch). Neither is
    called when nothing moved. Neither only where the move has no event of its own (a lease's
    claim: its outcome is what is recorded).
    """
    if event is not None and batch_event is not None:
        raise TypeError("transition_many records `event` per row or `batch_event`, not both")
    fields = fields or {}
    model = queryset.model
    skip = skip_locked and connection.features.has_select_for_update_skip_locked
    with transaction.atomic(using=queryset.db):
        rows = [
            row for row in queryset.select_for_update(skip_locked=skip) if row.can_transition_to(to)
        ]
        if not rows:
            return rows
        now = timezone.now()
        own = [each(row) for row in rows] if each else []
        for index, row in enumerate(rows):
            _assign(row, to, {**fields, **(own[index] if own else {})}, now)
        shared = {name: getattr(rows[0], name) for name in _update_fields(model, fields)}
        model._base_manager.using(queryset.db).filter(pk__in=[r.pk for r in rows]).update(**shared)
        if own:
            names = sorted({name for change in own for name in change})
            for start in range(0, len(rows), EACH_CHUNK):
                _update_each(model, rows[start : start + EACH_CHUNK], names, queryset.db)
        if event is not None:
            for row in rows:
                event(row, **params)
        if batch_event is not None:
            batch_event(rows)
    return rows


def _update_each(model: type[models.Model], rows: list, names: list[str], using: str) -> None:
    """One UPDATE … SET <name> = CASE pk WHEN … THEN … END … WHERE pk IN (…) giving each row
    its own values. Django's bulk_update writes the same statement but builds an expression
    object per row and field, which costs far more than the database's work for a batch of 100;
    here it is plain SQL with parameters."""
    db = connections[using]
    quote = db.ops.quote_name
    meta = model._meta
    pk = quote(meta.pk.column)
    keys = [meta.pk.get_db_prep_save(row.pk, db) for row in rows]
    cast = db.features.requires_casted_case_in_updates  # PostgreSQL: CASE of parameters is text
    assignments, params = [], []
    for name in names:
        field = meta.get_field(name)
        value = f"CAST(%s AS {field.cast_db_type(db)})" if cast else "%s"
        assignments.append(
            f"{quote(field.column)} = CASE {pk}"
            + f" WHEN %s THEN {value}" * len(rows)
            + f" ELSE {quote(field.column)} END"
        )
        for key, row in zip(keys, rows, strict=True):
            params += [key, field.get_db_prep_save(getattr(row, field.attname), db)]
    # Identifiers come from the model's meta, quoted; every value is a parameter.
    sql = "UPDATE {} SET {} WHERE {} IN ({})".format(  # noqa: S608
        quote(meta.db_table), ", ".join(assignments), pk, ", ".join(["%s"] * len(rows))
    )
    with db.cursor() as cursor:
        cursor.execute(sql, params + keys)
