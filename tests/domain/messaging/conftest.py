import pytest

from domain.messaging.backends import locmem


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    """Like django.core.mail.outbox, the locmem SMS outbox starts empty in every test."""
    locmem.outbox.clear()
    yield
    locmem.outbox.clear()
