"""With REDIS_URL set, django-q2's broker and the cache are Redis (SPEC §9; README scaling).

Needs a Redis server, so it is marked `redis` and left out of `make test` (which must run on
a machine with only Python); `.ci/run` runs it against the Redis on 127.0.0.1:6379.
"""

import os
import subprocess
import sys

import pytest

from backend.settings.base import BASE_DIR

pytestmark = pytest.mark.redis

PROBE = """
from django.conf import settings
from django.core.cache import cache
from django_q.brokers import get_broker
from django_q.brokers.redis_broker import Redis
from domain.common.health import broker_ok

broker = get_broker()
assert isinstance(broker, Redis), type(broker)
assert broker_ok()
broker.purge_queue()
broker.enqueue("probe-task")
task_id, payload = broker.dequeue()[0]
assert payload in ("probe-task", b"probe-task"), payload
broker.acknowledge(task_id)
assert "RedisCache" in settings.CACHES["default"]["BACKEND"]
cache.set("probe", 42, 10)
assert cache.get("probe") == 42
print("redis ok")
"""


def test_broker_and_cache_use_redis(tmp_path):
    redis_url = os.environ.get("REDIS_URL")
    assert redis_url, "run with REDIS_URL=redis://127.0.0.1:6379/15 (see .ci/run)"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "backend.settings.local",
        "REDIS_URL": redis_url,
        "VAR_DIR": str(tmp_path),
    }
    env.pop("DATABASE_URL", None)
    result = subprocess.run(  # a fresh process: settings are read once, at start
        [sys.executable, "manage.py", "shell", "-c", PROBE],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "redis ok" in result.stdout
