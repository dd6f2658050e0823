"""The RRN back digits are never kept anywhere (SPEC §6, PIPA art. 24-2; issue 5 privacy).

Every upgrade flow runs with the sandbox RRN values; then every table (django-q2's task and
queue tables and the outbox included), every captured log record and every response body is
searched for them.
"""

import logging

import pytest
from django.apps import apps

from tests.api.library.test_upgrades import BASE, PARENT, apply, full_member, headers_for, join
from tests.conftest import identity

pytestmark = pytest.mark.django_db

RRNS = ["1000001", "1000002", "1000003", "1000004", "1000005", "5987654", "4242424", "12ab34x"]


def database_text() -> str:
    """Every row of every model as text; django-q2's queue payloads decoded."""
    from django_q.models import OrmQ

    chunks = []
    for model in apps.get_models():
        for row in model.objects.all().values_list():
            chunks.append(repr(row))
    for queued in OrmQ.objects.all():
        chunks.append(repr(queued.task()))
    return "\n".join(chunks)


def test_no_rrn_anywhere(api, verify, caplog, django_capture_on_commit_callbacks):
    caplog.set_level(logging.DEBUG)
    bodies = []

    def record(response):
        bodies.append(response.content.decode())
        return response

    with django_capture_on_commit_callbacks(execute=True):
        join(api, verify, PARENT, "parent1")
        parent = headers_for(api, "parent1")
        guardian = {"name": "김부모", "phone": "01099998888"}
        kids = [
            join(
                api,
                verify,
                identity(name=n, birth_date=b, phone=p),
                u,
                kind="child",
                guardian=guardian,
                guardian_verification_token=verify("yongin-library", "guardian", PARENT),
            )
            for n, b, p, u in (
                ("김첫째", "2016-03-01", "01022220001", "firstkid"),
                ("김둘째", "2020-01-11", "01022220002", "secondkid"),
            )
        ]
        for kid in kids:
            record(full_member(api, parent, "1000005", member_id=kid))
        record(full_member(api, parent, "12ab34x"))  # malformed
        record(full_member(api, parent, "5987654"))  # foreign registration
        record(full_member(api, parent, "4242424"))  # unavailable
        record(full_member(api, parent, "1000001"))
        record(apply(api, parent, type="multi_child_self", consent=True, rrn_back="1000001"))
        record(api.get(f"{BASE}library-upgrades/children/", **parent))
        record(
            apply(
                api,
                parent,
                type="multi_child_children",
                children=[
                    {"username": "firstkid", "name": "김첫째", "birth_date": "2016-03-01"},
                    {"username": "secondkid", "name": "김둘째", "birth_date": "2020-01-11"},
                ],
            )
        )
        for username, rrn, mobile, name in (  # three people: the sandbox CI ignores the phone
            ("other2", "1000002", "01033330002", "이웃둘"),
            ("other3", "1000003", "01033330003", "이웃셋"),
            ("other4", "1000004", "01033330004", "이웃넷"),
        ):
            join(api, verify, identity(name=name, phone=mobile), username)
            headers = headers_for(api, username)
            record(full_member(api, headers, rrn))
            record(apply(api, headers, type="multi_child_self", consent=True, rrn_back=rrn))
        record(api.get(f"{BASE}members/me/", **parent))
        record(api.get(f"{BASE}library-upgrades/", **parent))

    assert any('"level":"full"' in body for body in bodies)  # the flows really ran
    assert any("too_few_children" in body for body in bodies)
    assert any("youngest_over_18" in body for body in bodies)
    assert any("not_gyeonggi_resident" in body for body in bodies)
    assert any("foreign_registration_unsupported" in body for body in bodies)
    stored = database_text()
    logged = "\n".join(f"{r.getMessage()} {r.args!r} {r.exc_text or ''}" for r in caplog.records)
    for rrn in RRNS:
        assert rrn not in stored, f"{rrn} found in the database"
        assert rrn not in logged, f"{rrn} found in the logs"
        for body in bodies:
            assert rrn not in body, f"{rrn} echoed in a response"
