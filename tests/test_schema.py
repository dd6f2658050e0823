"""The committed schema.yml is exactly what the code generates (SPEC §10, STYLE)."""

import pytest
from django.core.management import call_command

from backend.settings.base import BASE_DIR


@pytest.mark.django_db
def test_schema_yml_is_in_sync(tmp_path):
    generated = tmp_path / "schema.yml"
    call_command(
        "spectacular", "--lang", "en", "--file", str(generated), "--validate", "--fail-on-warn"
    )
    committed = (BASE_DIR / "schema.yml").read_text()
    assert generated.read_text() == committed, "schema.yml is stale: run `make schema`"
