"""One transition helper changes every status (STYLE "One place changes a status").

The code base is read for any other way to write a status; every model with one declares a
TRANSITIONS table covering all its statuses; the helper locks, checks, assigns, saves and writes
the lifecycle's event, or refuses with 409 `invalid_transition` and changes nothing.
"""

import ast
import threading
from pathlib import Path

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.utils import timezone

from backend.settings.base import BASE_DIR
from domain.common.errors import Conflict
from domain.common.transitions import StatusMachine, transition, transition_many
from domain.corporates.events import corporate_approved_event, corporate_rejected_event
from domain.corporates.models import Corporate, CorporateEvent
from domain.verifications.events import verification_expired_event
from domain.verifications.models import Verification, VerificationEvent
from tests.concurrency import run_concurrently
from tests.factories.corporates import CorporateFactory

HELPER = BASE_DIR / "domain" / "common" / "transitions.py"
CODE_DIRS = ("domain", "api", "workers")


def source_files():
    for folder in CODE_DIRS:
        for path in sorted((BASE_DIR / folder).rglob("*.py")):
            if "migrations" not in path.parts and path != HELPER:
                yield path


def _is_status(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value == "status"


def status_writes(path: Path, root: Path = BASE_DIR) -> list[str]:
    """Every way to write a `status` column other than the helper: `x.status = …`,
    `setattr(x, "status", …)`, `.update(status=…)` (or `.update(**values)`),
    `save(update_fields=[…"status"…])`, `bulk_update(…, ["status", …])`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        if any(isinstance(t, ast.Attribute) and t.attr == "status" for t in targets):
            found.append(node.lineno)
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "attr", getattr(node.func, "id", ""))
        keywords = {kw.arg: kw.value for kw in node.keywords}
        by_setattr = name == "setattr" and len(node.args) > 1 and _is_status(node.args[1])
        by_update = name == "update" and ("status" in keywords or None in keywords)
        if by_setattr or by_update:
            found.append(node.lineno)
        elif name in ("save", "bulk_update"):
            fields = keywords.get("update_fields") or keywords.get("fields")
            if fields is None and name == "bulk_update" and len(node.args) > 1:
                fields = node.args[1]
            if fields is not None and any(_is_status(n) for n in ast.walk(fields)):
                found.append(node.lineno)
    return [f"{path.relative_to(root)}:{line}" for line in found]


def test_no_status_is_written_outside_the_transition_helper():
    found = [where for path in source_files() for where in status_writes(path)]
    assert not found, "change a status with domain.common.transitions.transition: " + ", ".join(
        found
    )


def test_the_reader_finds_each_kind_of_status_write(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "a.status = 'x'\n"
        "setattr(a, 'status', 'x')\n"
        "Model.objects.filter(pk=1).update(status='x')\n"
        "a.save(update_fields=['status'])\n"
        "Model.objects.bulk_update(rows, ['status'])\n"
        "Model.objects.filter(pk=1).update(**values)\n"
        "a.name = 'x'\n"
        "Model.objects.filter(status='x').update(active=False)\n"
        "a.save(update_fields=['name'])\n"
    )
    found = status_writes(sample, root=tmp_path)
    assert found == [f"sample.py:{line}" for line in (1, 2, 3, 4, 5, 6)]
    assert status_writes(HELPER)  # the helper itself is the one place that assigns


def stateful_models():
    return [
        model
        for model in apps.get_models()
        if model.__module__.startswith("domain.")
        and any(f.name == "status" and f.choices for f in model._meta.get_fields())
    ]


def test_every_model_with_a_status_has_a_complete_transitions_table():
    models = stateful_models()
    names = {model.__name__ for model in models}
    assert {
        "Verification",
        "OutboxMessage",
        "Member",
        "NameChangeRequest",
        "Corporate",
        "Invitation",
        "BankAccount",
    } <= names
    for model in models:
        statuses = {value for value, _label in model._meta.get_field("status").choices}
        assert issubclass(model, StatusMachine), model
        assert set(model.TRANSITIONS) == statuses, model
        for targets in model.TRANSITIONS.values():
            assert set(targets) <= statuses, model


# --- the helper ----------------------------------------------------------------------------


@pytest.fixture
def pending(db):
    return CorporateFactory(status=Corporate.Status.PENDING_REVIEW)


@pytest.fixture
def staff(member_factory, site_of):
    return member_factory(site=site_of("onnuri-biz"), username="operator9", staff=True)


@pytest.mark.django_db
def test_an_allowed_move_saves_the_status_its_fields_and_one_event(pending, staff):
    moved = transition(
        pending,
        Corporate.Status.APPROVED,
        event=corporate_approved_event,
        fields={"reviewed_by": staff},
        actor=staff,
        bank_account=None,
    )
    assert moved is pending
    pending.refresh_from_db()
    assert (pending.status, pending.reviewed_by) == (Corporate.Status.APPROVED, staff)
    event = CorporateEvent.objects.get(corporate=pending)
    assert (event.type, event.actor, event.parameters) == (
        "approved",
        staff,
        {"bank_account": None},
    )


@pytest.mark.django_db
def test_a_refused_move_is_a_409_and_changes_nothing(pending, staff):
    stale = Corporate.objects.get(pk=pending.pk)
    transition(pending, Corporate.Status.REJECTED, event=corporate_rejected_event, actor=staff)
    # `stale` still says pending_review in memory: the helper re-reads the row under its lock.
    with pytest.raises(Conflict) as refused:
        transition(
            stale,
            Corporate.Status.APPROVED,
            event=corporate_approved_event,
            fields={"reviewed_by": staff},
            actor=staff,
            bank_account=None,
        )
    assert (refused.value.status, refused.value.code) == (409, "invalid_transition")
    pending.refresh_from_db()
    assert (pending.status, pending.reviewed_by) == (Corporate.Status.REJECTED, None)
    assert list(CorporateEvent.objects.values_list("type", flat=True)) == ["rejected"]


@pytest.mark.django_db
def test_transition_saves_only_the_status_and_the_fields_given(pending, staff):
    pending.name = "changed in memory only"
    transition(pending, Corporate.Status.REJECTED, event=corporate_rejected_event, actor=staff)
    assert Corporate.objects.get(pk=pending.pk).name != "changed in memory only"


@pytest.mark.django_db
def test_transition_many_moves_what_may_move_with_one_update_and_an_event_each(
    site_of, django_assert_num_queries
):
    from django.utils import timezone

    site = site_of("yongin-library")
    past = timezone.now() - timezone.timedelta(minutes=1)
    rows = [
        Verification.objects.create(
            site=site, purpose="sign_up", method="mobile", expires_at=past, status=status
        )
        for status in ("pending", "pending", "verified", "consumed")
    ]
    # one SELECT … FOR UPDATE, one UPDATE, three event INSERTs (+ the savepoint pair)
    with django_assert_num_queries(7):
        moved = transition_many(
            Verification.objects.all(),
            Verification.Status.EXPIRED,
            event=verification_expired_event,
            fields={"name": ""},
        )
    assert {row.pk for row in moved} == {row.pk for row in rows[:3]}
    statuses = dict(Verification.objects.values_list("pk", "status"))
    assert [statuses[row.pk] for row in rows] == ["expired", "expired", "expired", "consumed"]
    assert VerificationEvent.objects.filter(type="expired").count() == 3


# --- transition_many's batch event: one event for the rows one call moved -------------------


def verifications(site_of, *statuses: str) -> list[Verification]:
    site = site_of("yongin-library")
    past = timezone.now() - timezone.timedelta(minutes=1)
    return [
        Verification.objects.create(
            site=site, purpose="sign_up", method="mobile", expires_at=past, status=status
        )
        for status in statuses
    ]


def batch_expired_event(rows: list[Verification]) -> VerificationEvent:
    """A batch event for the tests: one row naming every verification moved."""
    return VerificationEvent.objects.create(
        verification=rows[0], type="expired", parameters={"moved": sorted(str(r.pk) for r in rows)}
    )


@pytest.mark.django_db
def test_a_batch_event_is_recorded_once_with_the_rows_moved(site_of, django_assert_num_queries):
    rows = verifications(site_of, "pending", "verified", "consumed", "pending")
    calls = []

    def record(moved):
        calls.append([(row.pk, row.status) for row in moved])
        return batch_expired_event(moved)

    # one SELECT … FOR UPDATE, one UPDATE, one event INSERT (+ the savepoint pair)
    with django_assert_num_queries(5):
        moved = transition_many(
            Verification.objects.order_by("created_at"),
            Verification.Status.EXPIRED,
            batch_event=record,
        )
    assert len(calls) == 1
    assert sorted(calls[0]) == sorted((row.pk, "expired") for row in moved)
    assert {row.pk for row in moved} == {rows[0].pk, rows[1].pk, rows[3].pk}
    event = VerificationEvent.objects.get()
    assert event.parameters == {"moved": sorted(str(row.pk) for row in moved)}


@pytest.mark.django_db
def test_a_batch_event_is_not_recorded_when_nothing_moved(site_of):
    verifications(site_of, "consumed", "expired", "failed")
    calls = []
    for queryset in (Verification.objects.all(), Verification.objects.none()):
        moved = transition_many(queryset, Verification.Status.EXPIRED, batch_event=calls.append)
        assert moved == []
    assert calls == []
    assert not VerificationEvent.objects.exists()


@pytest.mark.django_db
def test_a_failing_batch_event_leaves_the_rows_unmoved(site_of):
    """The event is written in the move's transaction: if recording it fails, nothing moved."""
    verifications(site_of, "pending", "pending")

    def record_then_fail(moved):
        batch_expired_event(moved)
        raise RuntimeError("the event could not be recorded")

    with pytest.raises(RuntimeError):
        transition_many(
            Verification.objects.all(), Verification.Status.EXPIRED, batch_event=record_then_fail
        )
    assert set(Verification.objects.values_list("status", flat=True)) == {"pending"}
    assert not VerificationEvent.objects.exists()


@pytest.mark.django_db
def test_a_batch_event_rolls_back_with_the_callers_transaction(site_of):
    verifications(site_of, "pending", "verified")
    with pytest.raises(RuntimeError), transaction.atomic():
        transition_many(
            Verification.objects.all(),
            Verification.Status.EXPIRED,
            batch_event=batch_expired_event,
        )
        assert VerificationEvent.objects.count() == 1
        raise RuntimeError("the caller's next step failed")
    assert sorted(Verification.objects.values_list("status", flat=True)) == [
        "pending",
        "verified",
    ]
    assert not VerificationEvent.objects.exists()


@pytest.mark.django_db
def test_transition_many_takes_a_per_row_event_or_a_batch_event_not_both(site_of):
    verifications(site_of, "pending")
    with pytest.raises(TypeError):
        transition_many(
            Verification.objects.all(),
            Verification.Status.EXPIRED,
            event=verification_expired_event,
            batch_event=batch_expired_event,
        )
    assert Verification.objects.get().status == "pending"
    assert not VerificationEvent.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_batch_moves_record_each_row_in_exactly_one_event(site_of):
    """Four workers expire the same 20 rows at once (real threads on PostgreSQL, skipping the
    rows another holds): every row is moved once and named by exactly one batch event; a worker
    that moved nothing records nothing."""
    rows = verifications(site_of, *["pending"] * 20)

    def expire(index):
        return len(
            transition_many(
                Verification.objects.order_by("created_at"),
                Verification.Status.EXPIRED,
                batch_event=batch_expired_event,
            )
        )

    counts = run_concurrently(expire, 4)
    assert sum(counts) == 20
    named = [pk for event in VerificationEvent.objects.all() for pk in event.parameters["moved"]]
    assert sorted(named) == sorted(str(row.pk) for row in rows)
    assert VerificationEvent.objects.count() == len([count for count in counts if count])
    assert set(Verification.objects.values_list("status", flat=True)) == {"expired"}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_reviews_of_one_corporate_move_it_once(member_factory, site_of):
    """Eight staff tabs approve and reject one pending corporate at once (real threads on
    PostgreSQL, one after another on SQLite): one move wins, the rest are 409, one event."""
    corporate = CorporateFactory(status=Corporate.Status.PENDING_REVIEW)
    staff = member_factory(site=site_of("onnuri-biz"), username="operator8", staff=True)
    concurrent = connection.vendor == "postgresql"
    targets = [Corporate.Status.APPROVED, Corporate.Status.REJECTED] * 4
    barrier = threading.Barrier(len(targets) if concurrent else 1)
    results: list = []
    lock = threading.Lock()

    def review(to: str) -> None:
        try:
            barrier.wait(timeout=30)
            event = corporate_approved_event if to == "approved" else corporate_rejected_event
            params = {"bank_account": None} if to == "approved" else {}
            transition(
                Corporate.objects.get(pk=corporate.pk), to, event=event, actor=staff, **params
            )
            outcome = "moved"
        except Conflict as error:
            outcome = error.code
        except Exception as error:  # noqa: BLE001  (shown by the assertion below)
            outcome = error
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=review, args=(to,)) for to in targets]
    for thread in threads:
        thread.start()
        if not concurrent:
            thread.join(timeout=60)
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(map(str, results)) == ["invalid_transition"] * 7 + ["moved"]
    assert CorporateEvent.objects.filter(corporate=corporate).count() == 1
