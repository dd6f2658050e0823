"""Settings modules share nothing mutable: importing one (a test reading what `make run`
configures, say) must not change another's values — a shared SIMPLE_JWT dict let importing
backend.settings.local re-key the test process's tokens."""

import importlib

from django.conf import settings


def test_importing_another_settings_module_changes_nothing_of_this_one():
    signing_key = settings.SIMPLE_JWT["SIGNING_KEY"]
    local = importlib.reload(importlib.import_module("backend.settings.local"))
    assert local.SIMPLE_JWT["SIGNING_KEY"] == local.SECRET_KEY != settings.SECRET_KEY
    assert settings.SIMPLE_JWT["SIGNING_KEY"] == signing_key == settings.SECRET_KEY
