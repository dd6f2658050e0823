"""Run calls at once in threads, the way tests/domain/library/test_card_numbers.py does.

On PostgreSQL the calls really race (released together by a barrier); SQLite serialises writers
and its shared in-memory test database refuses concurrent writers, so there the same threads
run one after another. Use with `@pytest.mark.django_db(transaction=True,
serialized_rollback=True)`.
"""

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection

from domain.common.errors import DomainError


def run_concurrently(call: Callable[[int], Any], times: int) -> list[Any]:
    """`call(i)` for i in range(times) at once; each outcome is the result or the DomainError's
    code. Any other exception fails the test."""
    concurrent = connection.vendor == "postgresql"
    barrier = threading.Barrier(times if concurrent else 1)
    outcomes: list[Any] = [None] * times
    unexpected: list[BaseException] = []

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            outcomes[index] = call(index)
        except DomainError as exc:
            outcomes[index] = exc.code
        except BaseException as exc:  # noqa: BLE001  (reported below)
            unexpected.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(times)]
    for thread in threads:
        thread.start()
        if not concurrent:
            thread.join()
    for thread in threads:
        thread.join()
    assert unexpected == []
    return outcomes
