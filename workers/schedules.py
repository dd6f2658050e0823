"""Every periodic job, declared once (SPEC §9; STYLE "Jobs are enqueued after commit").

`apply_schedules()` makes django-q2's Schedule table match this list and can run any number of
times (django-q2's own `schedule()` raises on a duplicate name, so it is not used here). It runs
after every `migrate` (`apply_schedules_after_migrate`, a post_migrate handler), so `migrate` and
`qcluster` are all a deployment needs; `manage.py apply_schedules` still does it by hand.
"""

from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django_q.models import Schedule

PREFIX = "membership:"


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    func: str
    minutes: int
    description: str


PERIODIC: list[PeriodicJob] = [
    PeriodicJob(
        name="outbox-retry",
        func="workers.messaging.deliver_due_messages",
        minutes=1,
        description="Deliver outbox messages that are due (first tries missed, and retries).",
    ),
    PeriodicJob(
        name="dispatches-send-due",
        func="workers.dispatches.send_due_dispatches",
        minutes=1,
        description="Start due dispatches and resume sending ones (retries, dead workers).",
    ),
    PeriodicJob(
        name="verifications-expire",
        func="workers.verifications.expire_verifications",
        minutes=5,
        description="Expire verification sessions and tokens; blank the identity they held.",
    ),
    PeriodicJob(
        name="marketing-consent-reminders",
        func="workers.consents.remind_marketing_consents",
        minutes=24 * 60,
        description="Every-2-years reconfirmation notice of marketing opt-ins (SPEC §13).",
    ),
    PeriodicJob(
        name="loan-limit-grants-expire",
        func="workers.library.expire_loan_limit_grants",
        minutes=24 * 60,
        description="End multi-child loan limit grants whose period has passed (SPEC §6).",
    ),
    PeriodicJob(
        name="purchases-expire",
        func="workers.purchases.expire_purchases",
        minutes=24 * 60,
        description="Expire approved purchases past their five-year validity (SPEC §7.3).",
    ),
    PeriodicJob(
        name="withdrawn-usernames-release",
        func="workers.members.release_withdrawn_usernames",
        minutes=24 * 60,
        description="Free withdrawn members' IDs once the site's retention period has passed.",
    ),
    PeriodicJob(
        name="limit-buckets-prune",
        func="workers.limits.prune_limit_buckets",
        minutes=24 * 60,
        description="Delete per-phone / per-member limit buckets with no use left in a window.",
    ),
    PeriodicJob(
        name="idempotency-records-prune",
        func="workers.idempotency.prune_idempotency_records",
        minutes=24 * 60,
        description="Delete Idempotency-Key records past their 24 h replay window (SPEC §14).",
    ),
    PeriodicJob(
        name="gift-app-signatures-prune",
        func="workers.gifts.prune_gift_app_signatures",
        minutes=24 * 60,
        description="Forget used gift app callback signatures past their 5-minute window.",
    ),
    PeriodicJob(
        name="recipient-uploads-prune",
        func="workers.dispatch_uploads.prune_recipient_uploads",
        minutes=24 * 60,
        description="Delete dispatch recipient uploads past their one day.",
    ),
]


def apply_schedules(
    jobs: list[PeriodicJob] | None = None, *, using: str = DEFAULT_DB_ALIAS
) -> list[str]:
    """Create or update each job's Schedule and delete ours that are no longer declared."""
    jobs = PERIODIC if jobs is None else jobs
    names = []
    schedules = Schedule.objects.using(using)
    with transaction.atomic(using=using):
        for job in jobs:
            name = PREFIX + job.name
            names.append(name)
            schedules.update_or_create(
                name=name,
                defaults={
                    "func": job.func,
                    "schedule_type": Schedule.MINUTES,
                    "minutes": job.minutes,
                    "repeats": -1,
                },
            )
        schedules.filter(name__startswith=PREFIX).exclude(name__in=names).delete()
    return names


def apply_schedules_after_migrate(sender, using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    """post_migrate of the workers app: apply the list, unless django-q2's table is not there."""
    if Schedule._meta.db_table in connections[using].introspection.table_names():
        apply_schedules(using=using)
