import pytest
from django.db import connection


@pytest.fixture(autouse=True)
def _on_postgresql():
    """The fault tests need PostgreSQL (other processes on the same test database, backends to
    terminate): on any other database they fail, they are never skipped. `make faults` runs
    them; `.ci/run` runs them in its PostgreSQL step (marker `faults`)."""
    if connection.vendor != "postgresql":
        pytest.fail("the fault tests need PostgreSQL: set DATABASE_URL (make faults)")
