"""Validating, recording, re-consenting and withdrawing (SPEC §3)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from domain.audit.models import AuditEvent
from domain.audit.services import RequestContext
from domain.common.errors import DomainError
from domain.consents.models import ConsentDocument, ConsentRecord
from domain.consents.selectors import consents_pending, member_consent_state
from domain.consents.services import consents_agree, consents_record, consents_validate

pytestmark = pytest.mark.django_db

CONTEXT = RequestContext(ip_address="203.0.113.7", user_agent="Mozilla/5.0 (test)")


def refused(code, *, site, kind, agreements):
    with pytest.raises(DomainError) as error:
        consents_validate(site=site, kind=kind, agreements=agreements)
    assert error.value.code == code
    return error.value


def signed_up(member, answers, optional=None):
    accepted = consents_validate(
        site=member.site, kind=member.kind, agreements=answers(member.site, member.kind, optional)
    )
    return consents_record(member=member, accepted=accepted, context=CONTEXT, source="sign_up")


def publish(site, code, version=2, **fields):
    previous = ConsentDocument.objects.filter(site=site, code=code).order_by("-version").first()
    return ConsentDocument.objects.create(
        site=site,
        code=code,
        version=version,
        title=f"{previous.title} (개정)",
        body=previous.body + "\n개정",
        required=previous.required,
        kinds=previous.kinds,
        scope=previous.scope,
        is_marketing=previous.is_marketing,
        channel=previous.channel,
        position=previous.position,
        effective_at=fields.pop("effective_at", timezone.now()),
        **fields,
    )


def test_all_required_agreed_returns_every_current_document(site_of, answers):
    incheon = site_of("incheon-water")
    accepted = consents_validate(
        site=incheon,
        kind="individual",
        agreements=answers(incheon, "individual", {"sms_marketing": True}),
    )
    assert [(d.code, agreed) for d, agreed in accepted] == [
        ("terms", True),
        ("privacy_items", True),
        ("privacy_purpose", True),
        ("privacy_retention", True),
        ("sms_marketing", True),
        ("email_marketing", False),  # left out: an optional document is refused by default
    ]


def test_missing_required_lists_exactly_the_missing_codes(site_of, answers):
    incheon = site_of("incheon-water")
    agreements = answers(incheon, "individual")
    agreements = [a for a in agreements if a["document"] != "privacy_items"]
    for agreement in agreements:
        if agreement["document"] == "privacy_retention":
            agreement["agreed"] = False
    error = refused("consent_required", site=incheon, kind="individual", agreements=agreements)
    assert error.extra == {"missing": ["privacy_items", "privacy_retention"]}
    assert error.attr == "consents"


def test_child_without_legal_representative_consent_is_refused(site_of, answers):
    library = site_of("yongin-library")
    agreements = [a for a in answers(library, "child") if a["document"] != "legal_representative"]
    error = refused("consent_required", site=library, kind="child", agreements=agreements)
    assert error.extra == {"missing": ["legal_representative"]}


def test_outdated_version_is_refused(site_of, answers):
    library = site_of("yongin-library")
    agreements = answers(library, "general")
    publish(library, "terms")
    error = refused("consent_version_outdated", site=library, kind="general", agreements=agreements)
    assert error.extra == {"document": "terms", "current_version": 2}


@pytest.mark.parametrize(
    "code,kind",
    [
        ("nonexistent", "general"),
        ("legal_representative", "general"),
        ("mois_eligibility", "child"),
    ],
)
def test_code_not_offered_to_the_kind_is_refused(site_of, answers, code, kind):
    library = site_of("yongin-library")
    agreements = [*answers(library, kind), {"document": code, "version": 1, "agreed": True}]
    error = refused("unknown_consent_document", site=library, kind=kind, agreements=agreements)
    assert error.extra == {"document": code}


def test_duplicate_answer_is_refused(site_of, answers):
    library = site_of("yongin-library")
    agreements = answers(library, "general")
    refused(
        "duplicate_consent_document",
        site=library,
        kind="general",
        agreements=[*agreements, agreements[0]],
    )


def test_optional_refused_is_fine(site_of, answers):
    library = site_of("yongin-library")
    accepted = consents_validate(
        site=library,
        kind="general",
        agreements=answers(library, "general", {"sms_marketing": False, "email_marketing": True}),
    )
    assert dict((d.code, agreed) for d, agreed in accepted)["sms_marketing"] is False


def test_mois_scope_is_validated_separately(site_of, answers):
    library = site_of("yongin-library")
    with pytest.raises(DomainError) as refused_error:
        consents_validate(site=library, kind="general", agreements=[], scope="library_upgrade")
    assert refused_error.value.extra == {"missing": ["mois_eligibility"]}
    accepted = consents_validate(
        site=library,
        kind="general",
        agreements=answers(library, "general", scope="library_upgrade"),
        scope="library_upgrade",
    )
    assert [(d.code, agreed) for d, agreed in accepted] == [("mois_eligibility", True)]


def test_records_keep_version_time_ip_and_user_agent(member_factory, answers):
    member = member_factory(consents=False)
    records = signed_up(member, answers, {"sms_marketing": True})
    assert len(records) == 4  # terms, privacy, sms (agreed), email (refused)
    record = ConsentRecord.objects.get(member=member, code="terms")
    assert (record.version, record.agreed, record.source) == (1, True, "sign_up")
    assert record.ip_address == "203.0.113.7"
    assert record.user_agent == "Mozilla/5.0 (test)"
    assert record.created_at is not None
    assert ConsentRecord.objects.get(member=member, code="email_marketing").agreed is False
    event = AuditEvent.objects.get(member=member, type="consent_agreed")
    assert {d["code"] for d in event.parameters["documents"]} == {
        "terms",
        "privacy",
        "sms_marketing",
        "email_marketing",
    }
    assert consents_pending(member=member) == []


def test_new_required_version_is_pending_until_agreed(member_factory, answers):
    member = member_factory(consents=False)
    signed_up(member, answers)
    terms_v2 = publish(member.site, "terms")
    assert consents_pending(member=member) == [terms_v2]

    records = consents_agree(
        member=member,
        agreements=[{"document": "terms", "version": 2, "agreed": True}],
        context=CONTEXT,
    )
    assert [(r.code, r.version, r.source) for r in records] == [("terms", 2, "re_consent")]
    assert consents_pending(member=member) == []
    # Agreeing again changes nothing.
    assert (
        consents_agree(
            member=member,
            agreements=[{"document": "terms", "version": 2, "agreed": True}],
            context=CONTEXT,
        )
        == []
    )


def test_pending_ignores_optional_other_kinds_and_upgrade_scope(member_factory, answers, site_of):
    member = member_factory(kind="general", consents=False)
    signed_up(member, answers)
    library = site_of("yongin-library")
    publish(library, "sms_marketing")
    publish(library, "legal_representative")  # child only
    publish(library, "mois_eligibility")  # asked at the upgrade
    assert consents_pending(member=member) == []


def test_member_without_any_record_has_every_required_document_pending(member_factory):
    member = member_factory(kind="child", consents=False)
    assert [d.code for d in consents_pending(member=member)] == [
        "terms",
        "privacy",
        "legal_representative",
    ]


def test_pending_is_one_query(member_factory, answers):
    member = member_factory(consents=False)
    signed_up(member, answers)
    publish(member.site, "privacy")
    with CaptureQueriesContext(connection) as queries:
        assert [d.code for d in consents_pending(member=member)] == ["privacy"]
    assert len(queries) == 1


def test_withdrawing_an_optional_consent(member_factory, answers):
    member = member_factory(consents=False)
    signed_up(member, answers, {"sms_marketing": True})
    records = consents_agree(
        member=member,
        agreements=[{"document": "sms_marketing", "version": 1, "agreed": False}],
        context=CONTEXT,
    )
    assert [(r.code, r.agreed, r.source) for r in records] == [("sms_marketing", False, "member")]
    original = ConsentRecord.objects.get(member=member, code="sms_marketing", agreed=True)
    assert original.withdrawn_at is not None
    state = {row["code"]: row for row in member_consent_state(member=member)}
    assert state["sms_marketing"]["agreed"] is False
    assert state["terms"]["agreed"] is True
    assert AuditEvent.objects.filter(member=member, type="consent_withdrawn").count() == 1
    # Withdrawing what is not agreed records nothing.
    assert (
        consents_agree(
            member=member,
            agreements=[{"document": "email_marketing", "version": 1, "agreed": False}],
            context=CONTEXT,
        )
        == []
    )


def test_withdrawing_a_required_consent_is_refused(member_factory, answers):
    member = member_factory(consents=False)
    signed_up(member, answers)
    with pytest.raises(DomainError) as error:
        consents_agree(
            member=member,
            agreements=[
                {"document": "sms_marketing", "version": 1, "agreed": True},
                {"document": "privacy", "version": 1, "agreed": False},
            ],
            context=CONTEXT,
        )
    assert error.value.code == "consent_not_withdrawable"
    assert error.value.extra == {"document": "privacy"}
    assert not ConsentRecord.objects.filter(
        member=member, code="sms_marketing", agreed=True
    ).exists()
    assert ConsentRecord.objects.get(member=member, code="privacy").withdrawn_at is None


def test_state_shows_an_older_optional_agreement(member_factory, answers):
    member = member_factory(consents=False)
    signed_up(member, answers, {"email_marketing": True})
    publish(member.site, "email_marketing")
    row = next(r for r in member_consent_state(member=member) if r["code"] == "email_marketing")
    assert (row["version"], row["agreed"], row["agreed_version"]) == (2, False, 1)
    assert row["agreed_at"] is not None


def test_agree_all_required_covers_the_kind_and_skips_staff(member_factory, site_of):
    child = member_factory(kind="child")  # the factory agrees to everything required
    assert set(ConsentRecord.objects.filter(member=child).values_list("code", flat=True)) == {
        "terms",
        "privacy",
        "legal_representative",
    }
    assert consents_pending(member=child) == []
    staff = member_factory(site=site_of("onnuri-biz"), staff=True)
    assert not ConsentRecord.objects.filter(member=staff).exists()
    assert consents_pending(member=staff) == []
