"""Name change requests with evidence and staff review (manual 002 §II 1-2; SPEC §5, §8, §14)."""

import re
from datetime import date

import pytest

from domain.audit.models import AuditEvent
from domain.members.models import NameChangeRequest
from domain.messaging.backends import locmem
from tests.conftest import error_codes, identity

from . import (
    ANIMAL,
    NEW_NAME,
    SITE,
    YONGIN,
    evidence,
    file_request,
    headers_for,
    pdf_bytes,
)
from . import (
    NAME_CHANGES_URL as URL,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    locmem.outbox.clear()
    yield
    locmem.outbox.clear()


@pytest.fixture
def animal(site_of):
    return site_of(ANIMAL)


@pytest.fixture
def member(member_factory, animal):
    return member_factory(
        site=animal, name="홍길동", birth_date=date(1990, 1, 1), mobile="01012345678"
    )


@pytest.fixture
def staff(member_factory, animal):
    return member_factory(site=animal, staff=True, name="김운영")


def test_request_then_staff_approve_changes_the_name_and_texts_the_member(
    api, verify, member, staff, django_capture_on_commit_callbacks
):
    created = file_request(api, verify, member)
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["status"] == "pending"
    assert (body["current_name"], body["requested_name"]) == ("홍길동", NEW_NAME)
    assert body["evidence_content_type"] == "application/pdf"
    assert AuditEvent.objects.filter(
        member=member, type=AuditEvent.Type.NAME_CHANGE_REQUESTED
    ).exists()

    staff_headers = headers_for(api, staff)
    with django_capture_on_commit_callbacks(execute=True):
        approved = api.post(f"{URL}{body['id']}/approve/", **staff_headers)
    assert approved.status_code == 200, approved.json()
    assert approved.json()["status"] == "approved"
    member.refresh_from_db()
    assert member.name == NEW_NAME
    assert locmem.outbox[-1].to == "01012345678"
    assert "승인" in locmem.outbox[-1].body
    event = AuditEvent.objects.get(type=AuditEvent.Type.NAME_CHANGE_APPROVED)
    assert (event.member, event.actor) == (member, staff)

    again = api.post(f"{URL}{body['id']}/approve/", **staff_headers)
    assert again.status_code == 409
    assert error_codes(again) == ["invalid_transition"]


def test_reject_needs_a_reason_and_tells_it_to_the_member(
    api, verify, member, staff, django_capture_on_commit_callbacks
):
    request_id = file_request(api, verify, member).json()["id"]
    staff_headers = headers_for(api, staff)
    url = f"{URL}{request_id}/reject/"
    # A missing reason is the same code as a blank one, as on every reject endpoint.
    for body in ({}, {"reason": "  "}):
        refused = api.post(url, body, format="json", **staff_headers)
        assert refused.status_code == 400
        assert error_codes(refused) == ["reason_required"]

    with django_capture_on_commit_callbacks(execute=True):
        rejected = api.post(url, {"reason": "증명서가 흐립니다"}, format="json", **staff_headers)
    assert rejected.status_code == 200, rejected.json()
    assert rejected.json()["status"] == "rejected"
    member.refresh_from_db()
    assert member.name == "홍길동"
    assert "증명서가 흐립니다" in locmem.outbox[-1].body
    assert api.post(url, {"reason": "x"}, format="json", **staff_headers).status_code == 409


def test_one_pending_request_per_member(api, verify, member):
    assert file_request(api, verify, member).status_code == 201
    second = file_request(api, verify, member)
    assert second.status_code == 409
    assert error_codes(second) == ["name_change_pending"]


def test_the_verified_name_must_be_the_requested_name(api, verify, member):
    response = file_request(api, verify, member, verified_name="홍길자")
    assert response.status_code == 400
    assert error_codes(response) == ["name_mismatch"]
    assert not NameChangeRequest.objects.exists()


def test_the_verified_person_must_have_the_members_birth_date(api, verify, member):
    response = file_request(api, verify, member, birth_date="1980-02-02")
    assert response.status_code == 400
    assert error_codes(response) == ["identity_mismatch"]


@pytest.mark.parametrize(
    "content,code",
    [
        (b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, "unsupported_file_type"),
        (b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024), "file_too_large"),
    ],
    ids=["exe-renamed-pdf", "over-10MB"],
)
def test_bad_evidence_is_refused_and_the_token_stays_usable(
    api, verify, member, settings, content, code
):
    headers = headers_for(api, member)
    token = verify(ANIMAL, "profile_update", identity(name=NEW_NAME), headers=headers)
    data = {"requested_name": NEW_NAME, "verification_token": token}
    refused = api.post(URL, {**data, "evidence": evidence(content)}, format="multipart", **headers)
    assert refused.status_code == 400
    assert error_codes(refused) == [code]
    assert refused.json()["errors"][0]["attr"] == "evidence"
    accepted = api.post(URL, {**data, "evidence": evidence()}, format="multipart", **headers)
    assert accepted.status_code == 201, accepted.json()


def test_evidence_is_stored_under_a_random_name(api, verify, member, settings):
    file_request(api, verify, member, file=evidence(name="../../홍길동 개명.pdf"))
    stored = NameChangeRequest.objects.get().evidence
    assert re.fullmatch(r"name-change-evidence/[0-9a-f]{32}\.pdf", stored)
    assert (settings.PRIVATE_MEDIA_ROOT / stored).read_bytes().startswith(b"%PDF-")


def test_a_png_made_with_pillow_is_accepted(api, verify, member):
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 128, 0)).save(buffer, "PNG")
    response = file_request(
        api,
        verify,
        member,
        file=evidence(buffer.getvalue(), name="scan.png", content_type="image/png"),
    )
    assert response.status_code == 201, response.json()
    assert response.json()["evidence_content_type"] == "image/png"


def test_evidence_download_for_owner_and_staff_only(
    api, verify, member, staff, member_factory, animal
):
    request_id = file_request(api, verify, member).json()["id"]
    url = f"{URL}{request_id}/evidence/"

    own = api.get(url, **headers_for(api, member))
    assert own.status_code == 200
    assert own["Content-Type"] == "application/pdf"
    assert own["Content-Disposition"].startswith("attachment")
    assert b"".join(own.streaming_content) == pdf_bytes()
    assert not AuditEvent.objects.filter(type="personal_data_viewed").exists()

    by_staff = api.get(url, HTTP_ACCEPT="application/pdf", **headers_for(api, staff))
    assert by_staff.status_code == 200
    assert b"".join(by_staff.streaming_content).startswith(b"%PDF-")
    logged = AuditEvent.objects.get(type="personal_data_viewed")
    assert (logged.actor, logged.member, logged.site) == (staff, member, animal)
    assert logged.parameters == {"item": "name_change_evidence", "request_id": request_id}
    assert logged.ip_address

    stranger = member_factory(site=animal)
    for path in (url, f"{URL}{request_id + 999}/evidence/"):
        response = api.get(path, **headers_for(api, stranger))
        assert response.status_code == 404
        assert error_codes(response) == ["name_change_request_not_found"]


def test_members_list_their_own_and_staff_list_all_masked(
    api, verify, member, staff, member_factory, animal
):
    file_request(api, verify, member)
    other = member_factory(site=animal, name="김철수", birth_date=date(1990, 1, 1))
    file_request(api, verify, other, verified_name="김철민", name="김철민")

    own = api.get(URL, **headers_for(api, member))
    assert own.status_code == 200
    assert own.json()["count"] == 1
    assert own.json()["results"][0]["requested_name"] == NEW_NAME

    listed = api.get(URL, **headers_for(api, staff))
    assert listed.json()["count"] == 2
    names = {(r["current_name"], r["requested_name"]) for r in listed.json()["results"]}
    assert names == {("홍길*", "홍길*"), ("김철*", "김철*")}
    assert all(r["username"].endswith("*") for r in listed.json()["results"])


def test_members_cannot_review(api, verify, member, member_factory, animal):
    request_id = file_request(api, verify, member).json()["id"]
    other = member_factory(site=animal)
    for who in (member, other):
        response = api.post(f"{URL}{request_id}/approve/", **headers_for(api, who))
        assert response.status_code == 403
    assert NameChangeRequest.objects.get().status == "pending"


def test_staff_cannot_review_their_own_request(api, verify, staff, member_factory, animal):
    mine = member_factory(site=animal, staff=True, name="홍길동", birth_date=date(1990, 1, 1))
    request_id = file_request(api, verify, mine).json()["id"]
    response = api.post(f"{URL}{request_id}/approve/", **headers_for(api, mine))
    assert response.status_code == 403
    assert error_codes(response) == ["own_request_review"]


def test_staff_of_another_site_cannot_see_the_request(api, verify, member, member_factory, site_of):
    request_id = file_request(api, verify, member).json()["id"]
    other_staff = member_factory(site=site_of(YONGIN), staff=True)
    headers = headers_for(api, other_staff)
    response = api.get(f"{URL}{request_id}/evidence/", **headers)
    assert response.status_code == 401  # its token belongs to another site
    listed = api.get(SITE.format(YONGIN) + "name-change-requests/", **headers)
    assert listed.status_code == 404
    assert error_codes(listed) == ["feature_not_available"]
