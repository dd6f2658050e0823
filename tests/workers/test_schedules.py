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
