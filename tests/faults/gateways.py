"""SMS backends for the worker processes of tests/faults: the real `file` and `console` backends,
made to hang right after the gateway took a given batch, so the test can kill the worker in the
window between the gateway's answer and the recording of the batch.

FAULTS_HANG_AFTER_BATCH=n: after the n-th `send_many` of the process has returned from the
backend, its request id is written to FAULTS_HUNG_MARKER and the worker sleeps (it is killed
there). Without it they are the plain backends.
"""

import os
import time
from pathlib import Path

from domain.messaging.backends.console import ConsoleSmsBackend
from domain.messaging.backends.file import FileSmsBackend

_batches = 0


class HangAfterAccepting:
    def send_many(self, messages, *, request_id: str, first_sent_at=None):
        global _batches
        results = super().send_many(messages, request_id=request_id, first_sent_at=first_sent_at)
        _batches += 1
        if _batches == int(os.environ.get("FAULTS_HANG_AFTER_BATCH", "0")):
            marker = Path(os.environ["FAULTS_HUNG_MARKER"])
            partial = marker.with_name(f".{marker.name}")
            partial.write_text(request_id)
            os.replace(partial, marker)  # never seen empty: the test reads the key at once
            time.sleep(3600)  # the test kills the worker here
        return results


class HangingFileBackend(HangAfterAccepting, FileSmsBackend):
    pass


class HangingConsoleBackend(HangAfterAccepting, ConsoleSmsBackend):
    pass
