import pytest

from domain.consents.selectors import consent_documents_current
from domain.messaging.backends import locmem


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    locmem.outbox.clear()
    yield
    locmem.outbox.clear()


@pytest.fixture
def answers():
    """Agreements to the current documents of a site and kind: required ones agreed, optional
    ones as given in `optional` (code → bool; left out when absent)."""

    def build(site, kind, optional=None, scope="sign_up"):
        optional = optional or {}
        result = []
        for document in consent_documents_current(site=site, kind=kind, scope=scope):
            if document.required:
                result.append(
                    {"document": document.code, "version": document.version, "agreed": True}
                )
            elif document.code in optional:
                result.append(
                    {
                        "document": document.code,
                        "version": document.version,
                        "agreed": optional[document.code],
                    }
                )
        return result

    return build
