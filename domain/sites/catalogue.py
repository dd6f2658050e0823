"""The four sites and their policies as SPEC §2 states them (loaded by a data migration).

Staff edit the stored copies afterwards in the Django admin; this module is the seed, and the
test `tests/domain/sites/test_catalogue.py` checks it against the SPEC table.
"""

PLATFORM_USERNAME = {
    "pattern": r"[a-z][a-z0-9]*",
    "min_length": 4,
    "max_length": 20,
    "case_insensitive": False,
    "description": "영문 소문자로 시작하는 영문 소문자·숫자 4~20자",
    "description_en": "4–20 lowercase letters and digits, starting with a letter",
}
PLATFORM_PASSWORD = {
    "max_length": 64,
    "class_scheme": "letters",
    "alternatives": [{"min_length": 10, "min_classes": 2}],
    "allowed_specials": None,
    "description": "영문, 숫자, 특수문자 중 2가지 이상 조합 10~64자",
    "description_en": "10–64 characters with at least 2 of letters, digits and specials",
}
IDENTITY = [["mobile"], ["ipin"]]


def _kind(code, label, label_en, **extra):
    return {"code": code, "label": label, "label_en": label_en, **extra}


def _purposes(sign_up, **extra):
    return {
        "sign_up": sign_up,
        "find_id": [["mobile"]],
        "reset_password": [["mobile"]],
        "profile_update": [["mobile"]],
        **extra,
    }


INCHEON_REQUIRED = [
    "username",
    "password",
    "mobile",
    "address",
    "email",
    "email_opt_in",
    "sms_opt_in",
]

SITES = [
    {
        "slug": "incheon-water",
        "name": "인천상수도 사이버민원센터",
        "name_en": "Incheon Waterworks Cyber Civil-Complaint Centre",
        "policy": {
            "member_kinds": [
                _kind(
                    "individual",
                    "개인회원",
                    "Individual",
                    min_age=14,
                    required_fields=INCHEON_REQUIRED,
                ),
                _kind(
                    "corporate",
                    "기업회원",
                    "Corporate",
                    min_age=14,
                    required_fields=[
                        *INCHEON_REQUIRED,
                        "corporate.representative_company_name",
                        "corporate.corporation_name",
                        "corporate.business_number",
                        "corporate.applicant_name",
                        "corporate.applicant_birth_date",
                    ],
                    optional_fields=["corporate.corporation_registration_number"],
                ),
            ],
            # Manual 000: "아이디는 대소문자 구분을 하지 않습니다" on the platform default rule.
            "username": {
                **PLATFORM_USERNAME,
                "case_insensitive": True,
                "description": PLATFORM_USERNAME["description"] + " (대소문자를 구분하지 않습니다)",
                "description_en": PLATFORM_USERNAME["description_en"] + " (not case-sensitive)",
            },
            "password": {
                "max_length": 14,
                "class_scheme": "separate_case",
                "alternatives": [{"min_length": 10, "min_classes": 2}],
                "allowed_specials": "~!@#%&*'",
                "description": "10~14자, 영대문자·소문자·숫자·특수문자(~!@#%&*') 중 2가지 이상",
                "description_en": "10–14 characters with at least 2 of upper case, lower case, "
                "digits and specials (~!@#%&*')",
            },
            "verification": {
                "individual": _purposes([["mobile"], ["google", "mobile"]]),
                "corporate": _purposes([["business_certificate", "mobile"]]),
            },
            "sns_providers": ["google"],
            "features": ["signup_manual"],
        },
    },
    {
        "slug": "animal-protection",
        "name": "동물보호관리시스템",
        "name_en": "Animal Protection Management System",
        "policy": {
            "member_kinds": [
                _kind(
                    "individual",
                    "내국인",
                    "Domestic",
                    min_age=14,
                    required_fields=["username", "password", "mobile", "address"],
                ),
                _kind(
                    "foreigner",
                    "외국인",
                    "Foreigner",
                    min_age=14,
                    required_fields=["username", "password", "mobile", "address"],
                ),
            ],
            "username": PLATFORM_USERNAME,
            "password": PLATFORM_PASSWORD,
            "verification": {
                "individual": _purposes(
                    IDENTITY, find_id=IDENTITY, reset_password=IDENTITY, profile_update=IDENTITY
                ),
                "foreigner": _purposes(
                    IDENTITY, find_id=IDENTITY, reset_password=IDENTITY, profile_update=IDENTITY
                ),
            },
            "features": ["re_verification", "name_change_requests"],
        },
    },
    {
        "slug": "yongin-library",
        "name": "용인시도서관",
        "name_en": "Yongin City Library",
        "policy": {
            "member_kinds": [
                _kind(
                    "general",
                    "일반회원(14세 이상)",
                    "General (14 and over)",
                    min_age=14,
                    required_fields=["username", "password", "mobile", "address", "home_library"],
                    optional_fields=["email", "landline", "sms_opt_in", "email_opt_in"],
                ),
                _kind(
                    "child",
                    "어린이회원(14세 미만)",
                    "Child (under 14)",
                    max_age=13,
                    requires_guardian=True,
                    required_fields=[
                        "username",
                        "password",
                        "mobile",
                        "address",
                        "home_library",
                        "guardian.name",
                        "guardian.phone",
                    ],
                    optional_fields=["email", "landline", "sms_opt_in", "email_opt_in"],
                ),
            ],
            "username": {
                "pattern": r"(?=[a-z0-9]*[a-z])[a-z0-9]+",
                "min_length": 4,
                "max_length": 20,
                "case_insensitive": False,
                "description": "영어 소문자 또는 영어 소문자 및 숫자 조합으로 4~20자",
                "description_en": "4–20 lowercase letters, or lowercase letters and digits",
            },
            "password": {
                "max_length": 64,
                "class_scheme": "letters",
                "alternatives": [
                    {"min_length": 10, "min_classes": 2},
                    {"min_length": 8, "min_classes": 3},
                ],
                "allowed_specials": None,
                "description": "영문자, 숫자, 특수문자 중 2가지 조합 시 10자 이상, "
                "3가지 조합 시 8자 이상",
                "description_en": "At least 10 characters with 2 of letters, digits and "
                "specials, or at least 8 with all 3",
            },
            "verification": {
                "general": _purposes([["mobile"], ["ipin"], ["card"]]),
                "child": _purposes(
                    [["mobile"], ["ipin"], ["card"]], guardian=[["mobile"], ["ipin"], ["card"]]
                ),
            },
            "sns_providers": ["kakao", "naver"],
            "features": ["sns_link", "library_upgrades"],
        },
    },
    {
        "slug": "onnuri-biz",
        "name": "온누리상품권 기업 구매",
        "name_en": "Onnuri Gift Certificates for Companies",
        "policy": {
            "member_kinds": [
                _kind(
                    "corporate_manager",
                    "기업 관리자",
                    "Corporate manager",
                    min_age=19,
                    required_fields=[
                        "username",
                        "password",
                        "mobile",
                        "email",
                        "department",
                        "position",
                    ],
                ),
            ],
            "username": {
                "pattern": r"[a-z0-9]+",
                "min_length": 6,
                "max_length": 18,
                "case_insensitive": False,
                "description": "영문 소문자, 숫자 6~18자",
                "description_en": "6–18 lowercase letters and digits",
            },
            "password": {
                "max_length": 64,
                "class_scheme": "separate_case",
                "alternatives": [{"min_length": 10, "min_classes": 4}],
                "allowed_specials": None,
                "description": "영문 대/소문자, 숫자, 특수문자를 모두 혼용하여 10자리 이상",
                "description_en": "At least 10 characters using upper case, lower case, digits "
                "and specials",
            },
            "verification": {
                "corporate_manager": _purposes(
                    [["mobile"]],
                    login_otp=[["sms_code"]],
                    dispatch_send=[["sms_code"]],
                    invitation=[["mobile"]],
                ),
            },
            "login_second_factor": "sms_code",
            # Only what is served: sites/0004 added "purchases" once its endpoints existed,
            # sites/0005 "dispatches".
            "features": ["corporates", "signup_manual", "purchases", "dispatches"],
        },
    },
]
