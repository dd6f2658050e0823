"""The fuzz profile (backend/settings/fuzz.py, README "Fuzzing"): local, with every per-IP
throttle and per-key limit raised so `make fuzz` reaches the logic behind them, and nothing
a production server could pick up by accident."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
from django.conf import settings
rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
print(sorted(rates) == sorted(SCOPES))
print(all(rate == "100000/min" for rate in rates.values()))
print(settings.LIMIT_COUNT_FACTOR, settings.DEBUG, settings.SANDBOX_PROVIDERS_ALLOWED)
"""


def settings_of(module: str) -> list[str]:
    from django.conf import settings

    scopes = repr(sorted(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]))
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env["DJANGO_SETTINGS_MODULE"] = module
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", f"SCOPES = {scopes}\n{PROBE}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return out.stdout.splitlines()[-3:]


def test_fuzz_profile_raises_every_throttle_and_limit():
    assert settings_of("backend.settings.fuzz") == ["True", "True", "1000 False True"]


def test_other_profiles_keep_spec_limits():
    from django.conf import settings

    assert settings.LIMIT_COUNT_FACTOR == 1  # test
    assert settings_of("backend.settings.local")[2].startswith("1 ")
