"""The seeded documents (SPEC §3, manuals 000/002/003/004)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from domain.common.errors import DomainError
from domain.consents.documents import DOCUMENTS
from domain.consents.models import ConsentDocument
from domain.consents.selectors import consent_documents_current

pytestmark = pytest.mark.django_db


def codes(site, kind, scope="sign_up"):
    return [d.code for d in consent_documents_current(site=site, kind=kind, scope=scope)]


def required(site, kind, scope="sign_up"):
    return {
        d.code: d.required for d in consent_documents_current(site=site, kind=kind, scope=scope)
    }


@pytest.mark.parametrize("kind", ["individual", "corporate"])
def test_incheon_lists_the_four_required_documents_separately(site_of, kind):
    assert required(site_of("incheon-water"), kind) == {
        "terms": True,
        "privacy_items": True,
        "privacy_purpose": True,
        "privacy_retention": True,
        "sms_marketing": False,
        "email_marketing": False,
    }
    assert codes(site_of("incheon-water"), kind)[:4] == [
        "terms",
        "privacy_items",
        "privacy_purpose",
        "privacy_retention",
    ]


@pytest.mark.parametrize("kind", ["individual", "foreigner"])
def test_animal_protection_asks_terms_and_privacy(site_of, kind):
    assert required(site_of("animal-protection"), kind) == {"terms": True, "privacy": True}


def test_library_child_also_needs_the_legal_representative(site_of):
    library = site_of("yongin-library")
    assert required(library, "child") == {
        "terms": True,
        "privacy": True,
        "legal_representative": True,
        "sms_marketing": False,
        "email_marketing": False,
    }
    assert "legal_representative" not in codes(library, "general")


def test_mois_consent_is_asked_at_upgrade_not_at_sign_up(site_of):
    library = site_of("yongin-library")
    for kind in ("general", "child"):
        assert "mois_eligibility" not in codes(library, kind)
        assert codes(library, kind, scope="library_upgrade") == ["mois_eligibility"]
    (mois,) = consent_documents_current(site=library, kind="general", scope="library_upgrade")
    assert mois.required
    assert "자격확인 후 즉시 파기" in mois.body


def test_onnuri_manager_consents_to_bc_card_provision(site_of):
    assert required(site_of("onnuri-biz"), "corporate_manager") == {
        "terms": True,
        "privacy": True,
        "bc_card_third_party": True,
        "marketing": False,
    }


def test_marketing_flags_and_channels(site_of):
    incheon = {d.code: d for d in ConsentDocument.objects.filter(site=site_of("incheon-water"))}
    assert incheon["sms_marketing"].is_marketing and incheon["sms_marketing"].channel == "sms"
    assert incheon["email_marketing"].channel == "email"
    assert not incheon["terms"].is_marketing


def test_seed_is_version_one_effective_2024_in_seoul_and_states_the_right_to_refuse():
    documents = ConsentDocument.objects.all()
    assert documents.count() == sum(len(docs) for docs in DOCUMENTS.values())
    for document in documents:
        assert document.version == 1
        assert document.effective_at == datetime(2024, 1, 1, tzinfo=ZoneInfo("Asia/Seoul"))
        assert "거부" in document.body or "동의하지 않" in document.body, document.code
        document.full_clean()  # kinds are the site's own


def test_unknown_kind_is_refused(site_of):
    with pytest.raises(DomainError) as error:
        consent_documents_current(site=site_of("yongin-library"), kind="corporate")
    assert error.value.code == "unknown_member_kind"


def test_a_future_version_is_not_current_yet(site_of):
    from datetime import timedelta

    from django.utils import timezone

    library = site_of("yongin-library")
    terms = ConsentDocument.objects.get(site=library, code="terms", version=1)
    ConsentDocument.objects.create(
        site=library,
        code="terms",
        version=2,
        title="이용약관 v2",
        body="...",
        required=True,
        kinds=["general", "child"],
        effective_at=timezone.now() + timedelta(days=7),
    )
    current = consent_documents_current(site=library, kind="general")
    assert next(d for d in current if d.code == "terms").pk == terms.pk
