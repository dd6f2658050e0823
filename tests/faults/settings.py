"""Settings of the processes the fault tests start and kill (tests/faults): the test settings on
the test run's own PostgreSQL database (DATABASE_URL, given by tests/faults/processes.py), a real
django-q2 cluster on the ORM broker instead of synchronous tasks, and short times so a dead
worker's batch is taken again within seconds:

    task timeout 8 s   a run stops taking new batches after 4 s (domain.dispatches.sending)
    lease 8 + 1 s      a dead worker's rows are free again 9 s after its last claim
    retry 10 s         the broker hands a task whose cluster died to another one after 10 s

The SMS backend and its directory come from the environment (SMS_BACKEND, SMS_FILE_DIR; the
server of test_database_lost sends nothing).
"""

import os
from pathlib import Path

from backend.settings.test import *  # noqa: F403
from backend.settings.test import Q_CLUSTER as TEST_Q_CLUSTER

Q_CLUSTER = {
    "name": TEST_Q_CLUSTER["name"],  # the test process enqueues into the same ORM queue
    "workers": 1,
    "timeout": 8,
    "retry": 10,
    "max_attempts": 1,
    "catch_up": False,
    "orm": "default",
    "poll": 0.1,
}
WORKER_LEASE_MARGIN_SECONDS = 1
SMS_BACKEND = os.environ.get("SMS_BACKEND", "locmem")
SMS_FILE_DIR = Path(os.environ.get("SMS_FILE_DIR", VAR_DIR / "sms"))  # noqa: F405
