"""Each site's stored policy against the SPEC §2 table."""

import pytest
from django.core.exceptions import ValidationError

from domain.sites.models import Site
from domain.sites.policy import SitePolicy

pytestmark = pytest.mark.django_db

SPEC_TABLE = {
    # slug: (kinds, min ages, id length, id case-insensitive, pw max, second factor, sns)
    "incheon-water": (
        ["individual", "corporate"],
        {"individual": 14, "corporate": 14},
        (4, 20),
        True,
        14,
        None,
        ["google"],
    ),
    "animal-protection": (
        ["individual", "foreigner"],
        {"individual": 14, "foreigner": 14},
        (4, 20),
        False,
        64,
        None,
        [],
    ),
    "yongin-library": (
        ["general", "child"],
        {"general": 14, "child": None},
        (4, 20),
        False,
        64,
        None,
        ["kakao", "naver"],
    ),
    "onnuri-biz": (
        ["corporate_manager"],
        {"corporate_manager": 19},
        (6, 18),
        False,
        64,
        "sms_code",
        [],
    ),
}


@pytest.mark.parametrize("slug", SPEC_TABLE)
def test_policy_matches_spec_table(slug):
    kinds, min_ages, id_len, folded, pw_max, second, sns = SPEC_TABLE[slug]
    policy = Site.objects.get(slug=slug).rules
    assert [k.code for k in policy.member_kinds] == kinds
    assert {k.code: k.min_age for k in policy.member_kinds} == min_ages
    assert (policy.username.min_length, policy.username.max_length) == id_len
    assert policy.username.case_insensitive is folded
    assert policy.password.max_length == pw_max
    assert policy.login_second_factor == second
    assert list(policy.sns_providers) == sns
    assert (policy.lockout.max_failures, policy.lockout.lock_minutes) == (5, 30)


@pytest.mark.parametrize(
    "slug,password,violation",
    [
        # incheon-water: 10–14 chars, ≥2 of upper/lower/digit/special ~!@#%&*'
        ("incheon-water", "abcdefghij", "password_classes"),
        ("incheon-water", "abcdefghi1", None),
        ("incheon-water", "ABCDEFGHIj", None),
        ("incheon-water", "abcdefgh1", "password_length"),
        ("incheon-water", "abcdefghij12345", "password_length"),
        ("incheon-water", "abcdefghi$", "password_character"),
        ("incheon-water", "abcdefghi'", None),
        # animal-protection: platform default 10–64, 2 of letters/digits/specials
        ("animal-protection", "Abcdefghij", "password_classes"),
        ("animal-protection", "abcdefghi1", None),
        # yongin-library: ≥10 with 2 classes or ≥8 with 3 (upper/lower are one class)
        ("yongin-library", "abcdefgh1", "password_classes"),
        ("yongin-library", "abcdefgh1!", None),
        ("yongin-library", "abcdef1!", None),
        ("yongin-library", "ABCdef12", "password_classes"),
        ("yongin-library", "abcde1!", "password_length"),
        # onnuri-biz: ≥10 using upper, lower, digit and special
        ("onnuri-biz", "Abcdefgh1!", None),
        ("onnuri-biz", "abcdefgh1!", "password_classes"),
        ("onnuri-biz", "Abcdef1!", "password_length"),
    ],
)
def test_password_rules(slug, password, violation):
    assert Site.objects.get(slug=slug).rules.password.violation(password) == violation


@pytest.mark.parametrize(
    "slug,username,violation",
    [
        ("incheon-water", "Hong1", None),  # folded to hong1
        ("incheon-water", "1hong", "username_pattern"),
        ("incheon-water", "hon", "username_length"),
        ("yongin-library", "hong", None),
        ("yongin-library", "hong12", None),
        ("yongin-library", "1234", "username_pattern"),
        ("yongin-library", "Hong1", "username_pattern"),
        ("yongin-library", "a" * 21, "username_length"),
        ("onnuri-biz", "hong12", None),
        ("onnuri-biz", "hong1", "username_length"),
        ("onnuri-biz", "hong_12", "username_pattern"),
        ("animal-protection", "hong-1", "username_pattern"),
    ],
)
def test_username_rules(slug, username, violation):
    assert Site.objects.get(slug=slug).rules.username.violation(username) == violation


def test_invalid_policy_edit_is_refused():
    site = Site.objects.get(slug="yongin-library")
    site.policy = {**site.policy, "login_second_factor": "carrier_pigeon"}
    with pytest.raises(ValidationError):
        site.full_clean()
    with pytest.raises(ValidationError):
        SitePolicy.parse({"member_kinds": []})


def test_the_largest_gift_is_a_setting_that_keeps_every_total_in_range():
    """onnuri-biz: 10,000,000 won per gift by default (SPEC §7.4); staff may change it, but not
    so that recipients × the largest gift passes WON_MAX (a dispatch's total stays in range)."""
    site = Site.objects.get(slug="onnuri-biz")
    assert site.rules.dispatch_max_gift_amount == 10_000_000
    site.policy = {**site.policy, "dispatch_max_gift_amount": 50_000_000}
    site.full_clean()
    assert SitePolicy.parse(site.policy).dispatch_max_gift_amount == 50_000_000
    for bad in (999, True, "10000", 10**12):  # 10,000 recipients × 10¹² won > 10¹⁵
        site.policy = {**site.policy, "dispatch_max_gift_amount": bad}
        with pytest.raises(ValidationError):
            site.full_clean()
