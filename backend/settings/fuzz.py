"""`make fuzz` (README "Fuzzing"): the local profile with every limit raised, DEBUG off.

Every fuzzed request comes from 127.0.0.1 and the generator repeats values (a phone number, a
member), so SPEC §14's per-IP throttles and per-key limits would answer 429 to nearly all of them
and the code behind stayed unreached. Here they are raised far above what a run sends; the
throttles and limits themselves have their own tests (tests/api/contract/test_throttles.py,
tests/domain/common/test_limits.py). DEBUG is off as in production: an error is the JSON body a
client gets, never Django's debug page. SMS go to files (`SMS_FILE_DIR`), where the fuzz driver
reads the onnuri-biz login codes (tests/fuzz/run.py).
"""

from .local import *  # noqa: F403
from .local import REST_FRAMEWORK

DEBUG = False
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {
        scope: "100000/min" for scope in REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    },
}
LIMIT_COUNT_FACTOR = 1000
SMS_BACKEND = "file"
