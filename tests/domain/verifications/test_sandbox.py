"""The sandbox identity provider's CI/DI (SPEC §12 as clarified): derived from name, birth date
and gender, not the phone; an explicit `ci` in the emulated identity overrides it."""

import pytest

from domain.verifications.providers.base import VerificationFailed
from domain.verifications.providers.sandbox import SandboxIdentityProvider
from tests.conftest import identity


def confirm(person: dict):
    return SandboxIdentityProvider().confirm(None, {"code": "000000", "identity": person})


def test_the_same_person_with_a_new_phone_keeps_the_ci():
    before = confirm(identity(phone="01012345678"))
    after = confirm(identity(phone="01098765432", carrier="KT"))
    assert (after.ci, after.di) == (before.ci, before.di)
    assert after.phone == "01098765432"
    assert len(before.ci) == 88 and len(before.di) == 64


@pytest.mark.parametrize(
    "other",
    [
        identity(name="김철수"),
        identity(birth_date="1990-01-02"),
        identity(gender="female"),
    ],
)
def test_name_birth_date_and_gender_make_the_person(other):
    assert confirm(other).ci != confirm(identity()).ci
    assert confirm(other).di != confirm(identity()).di


def test_an_explicit_ci_overrides_the_derivation():
    twin = confirm({**identity(), "ci": "twin-ci-" + "a" * 40})
    assert twin.ci == "twin-ci-" + "a" * 40
    assert twin.ci != confirm(identity()).ci and twin.di != confirm(identity()).di
    # The same explicit CI is the same person, whatever the phone.
    again = confirm({**identity(phone="01055556666"), "ci": "twin-ci-" + "a" * 40})
    assert (again.ci, again.di) == (twin.ci, twin.di)


@pytest.mark.parametrize("ci", ["", "x" * 89, 12345])
def test_an_explicit_ci_must_be_a_short_string(ci):
    with pytest.raises(VerificationFailed) as raised:
        confirm({**identity(), "ci": ci})
    assert (raised.value.code, raised.value.attr) == ("invalid_identity", "identity")
