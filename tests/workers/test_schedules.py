import pytest
from django.utils.module_loading import import_string
from django_q.models import Schedule

from workers.schedules import PERIODIC, PREFIX, PeriodicJob, apply_schedules

pytestmark = pytest.mark.django_db


def test_apply_schedules_is_idempotent_and_removes_stale_jobs():
    apply_schedules()
    apply_schedules()
    names = set(Schedule.objects.values_list("name", flat=True))
    assert names == {PREFIX + job.name for job in PERIODIC}
    apply_schedules([PeriodicJob("only-one", "workers.messaging.deliver_due_messages", 1, "")])
    assert list(Schedule.objects.values_list("name", flat=True)) == [PREFIX + "only-one"]


@pytest.mark.parametrize("job", PERIODIC, ids=lambda job: job.name)
def test_every_periodic_job_runs(job):
    result = import_string(job.func)()
    assert isinstance(result, int)


def test_migrate_applies_the_schedules():
    """The test database was made by `migrate`: its post_migrate handler applied every job."""
    schedules = Schedule.objects.filter(name__startswith=PREFIX)
    assert {s.name: (s.func, s.minutes) for s in schedules} == {
        PREFIX + job.name: (job.func, job.minutes) for job in PERIODIC
    }


def test_the_post_migrate_handler_is_idempotent():
    from django.apps import apps
    from django.db.models.signals import post_migrate

    Schedule.objects.filter(name=PREFIX + "outbox-retry").update(minutes=99)
    for _ in range(2):
        post_migrate.send(
            sender=apps.get_app_config("django_q"),
            app_config=apps.get_app_config("django_q"),
            using="default",
            verbosity=0,
            interactive=False,
            plan=[],
            apps=apps,
        )
    assert Schedule.objects.filter(name__startswith=PREFIX).count() == len(PERIODIC)
    assert Schedule.objects.get(name=PREFIX + "outbox-retry").minutes == 1
