"""Every timestamp an answer carries is Korean time, `+09:00` (SPEC §10: Asia/Seoul).

`utc_timestamps` lists the ISO date-times of a decoded JSON answer written in any other
offset ('Z', '+00:00', …); the `api` test client checks every JSON answer with it.
"""

import re

from rest_framework.test import APIClient

DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(?P<offset>Z|[+-]\d\d:?\d\d)?$")
KOREAN_OFFSET = "+09:00"


def utc_timestamps(data) -> list[str]:
    """The date-time strings in `data` (nested dicts and lists) not written in +09:00."""
    if isinstance(data, dict):
        return [stamp for value in data.values() for stamp in utc_timestamps(value)]
    if isinstance(data, list):
        return [stamp for value in data for stamp in utc_timestamps(value)]
    if isinstance(data, str):
        match = DATETIME.match(data)
        if match and match.group("offset") != KOREAN_OFFSET:
            return [data]
    return []


class TimestampCheckingAPIClient(APIClient):
    """The `api` fixture's client: fails a test whose JSON answer has a non-Korean timestamp."""

    def request(self, **kwargs):
        response = super().request(**kwargs)
        if response.get("Content-Type", "").startswith("application/json"):
            found = utc_timestamps(response.json())
            assert found == [], f"{kwargs.get('PATH_INFO')} answered {found} (not +09:00)"
        return response
