"""The site policy: one validated object the code reads (SPEC §2).

Stored as JSON on `Site.policy` so staff can edit it in the Django admin; `SitePolicy.parse`
validates every edit, and `Site.get_policy()` is the only way code reads it.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from domain.common.money import WON_MAX

from .errors import SiteErrorCode

CHARACTER_CLASS_SCHEMES = {
    # upper and lower are separate classes (incheon-water, onnuri-biz)
    "separate_case": ("upper", "lower", "digit", "special"),
    # upper and lower count as one class "letters" (yongin-library, platform default)
    "letters": ("letter", "digit", "special"),
}
VERIFICATION_METHODS = {"mobile", "ipin", "card", "google", "business_certificate", "sms_code"}
VERIFICATION_PURPOSES = {
    "sign_up",
    "find_id",
    "reset_password",
    "profile_update",
    "guardian",
    "login_otp",
    "dispatch_send",
    "invitation",
}
SNS_PROVIDERS = {"google", "kakao", "naver"}


def _require(condition: bool, message, **params: Any) -> None:
    # Operators read these in the admin, in their language (SPEC §10); params are formatted
    # only when the check fails.
    if not condition:
        raise ValidationError(message, params=params or None)


@dataclass(frozen=True)
class MemberKind:
    code: str
    label: str
    label_en: str
    min_age: int | None = None  # refused below this age (SPEC §5)
    max_age: int | None = None  # e.g. the library child kind is for under 14 only
    requires_guardian: bool = False
    required_fields: tuple[str, ...] = ()
    optional_fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class UsernameRule:
    pattern: str
    min_length: int
    max_length: int
    case_insensitive: bool
    description: str
    description_en: str

    def fold(self, username: str) -> str:
        """The value stored and matched: case-folded where the site says IDs ignore case."""
        username = username.strip()
        return username.lower() if self.case_insensitive else username

    def violation(self, username: str) -> SiteErrorCode | None:
        """The code of the first rule `username` breaks, or None."""
        value = self.fold(username)
        if not self.min_length <= len(value) <= self.max_length:
            return SiteErrorCode.USERNAME_LENGTH
        if not re.fullmatch(self.pattern, value):
            return SiteErrorCode.USERNAME_PATTERN
        return None


@dataclass(frozen=True)
class PasswordAlternative:
    min_length: int
    min_classes: int


@dataclass(frozen=True)
class PasswordRule:
    max_length: int
    class_scheme: str
    alternatives: tuple[PasswordAlternative, ...]
    # None: any printable non-alphanumeric character is a special; otherwise only these.
    allowed_specials: str | None
    description: str
    description_en: str

    @property
    def min_length(self) -> int:
        return min(alt.min_length for alt in self.alternatives)

    def classes_of(self, password: str) -> set[str]:
        classes: set[str] = set()
        for char in password:
            if char.isascii() and char.isalpha():
                if self.class_scheme == "letters":
                    classes.add("letter")
                else:
                    classes.add("upper" if char.isupper() else "lower")
            elif char.isascii() and char.isdigit():
                classes.add("digit")
            else:
                classes.add("special")
        return classes

    def violation(self, password: str) -> SiteErrorCode | None:
        """The code of the first rule `password` breaks, or None (SPEC §2)."""
        if len(password) > self.max_length or len(password) < self.min_length:
            return SiteErrorCode.PASSWORD_LENGTH
        for char in password:
            if char.isascii() and char.isalnum():
                continue
            if not char.isprintable() or char.isspace() or not char.isascii():
                return SiteErrorCode.PASSWORD_CHARACTER
            if self.allowed_specials is not None and char not in self.allowed_specials:
                return SiteErrorCode.PASSWORD_CHARACTER
        classes = len(self.classes_of(password))
        if not any(
            len(password) >= alt.min_length and classes >= alt.min_classes
            for alt in self.alternatives
        ):
            return SiteErrorCode.PASSWORD_CLASSES
        return None


@dataclass(frozen=True)
class LockoutPolicy:
    max_failures: int = 5
    lock_minutes: int = 30


@dataclass(frozen=True)
class SitePolicy:
    member_kinds: tuple[MemberKind, ...]
    username: UsernameRule
    password: PasswordRule
    # kind → purpose → alternative sequences of methods, e.g. [["mobile"], ["google", "mobile"]]
    verification: dict[str, dict[str, list[list[str]]]]
    login_second_factor: str | None = None
    sns_providers: tuple[str, ...] = ()
    lockout: LockoutPolicy = field(default_factory=LockoutPolicy)
    # How long a withdrawn member's ID stays unusable (SPEC §5 withdrawal).
    username_retention_days: int = 365
    features: tuple[str, ...] = ()
    # onnuri-biz: recipients one dispatch may have (manual 004 §3.1 Excel upload), and the most
    # won one gift may be (SPEC §7.4; the manual states none). Their product is at most WON_MAX,
    # so no dispatch's total can overflow.
    dispatch_max_recipients: int = 10_000
    dispatch_max_gift_amount: int = 10_000_000

    def kind(self, code: str) -> MemberKind | None:
        return next((k for k in self.member_kinds if k.code == code), None)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def parse(cls, data: dict[str, Any]) -> SitePolicy:
        """Build and validate a policy from its JSON form; raises ValidationError."""
        _require(isinstance(data, dict), _("The policy must be a JSON object."))
        try:
            kinds = tuple(
                MemberKind(
                    **{
                        **k,
                        "required_fields": tuple(k.get("required_fields", ())),
                        "optional_fields": tuple(k.get("optional_fields", ())),
                    }
                )
                for k in data["member_kinds"]
            )
            username = UsernameRule(**data["username"])
            password_data = dict(data["password"])
            password_data["alternatives"] = tuple(
                PasswordAlternative(**alt) for alt in password_data["alternatives"]
            )
            password = PasswordRule(**password_data)
            lockout = LockoutPolicy(**data.get("lockout", {}))
            policy = cls(
                member_kinds=kinds,
                username=username,
                password=password,
                verification=data["verification"],
                login_second_factor=data.get("login_second_factor"),
                sns_providers=tuple(data.get("sns_providers", ())),
                lockout=lockout,
                username_retention_days=data.get("username_retention_days", 365),
                features=tuple(data.get("features", ())),
                dispatch_max_recipients=data.get("dispatch_max_recipients", 10_000),
                dispatch_max_gift_amount=data.get("dispatch_max_gift_amount", 10_000_000),
            )
        except (KeyError, TypeError) as exc:
            raise ValidationError(
                _("The policy is missing or has an unknown field: %(field)s"),
                params={"field": str(exc)},
            )
        policy._check()
        return policy

    def _check(self) -> None:
        codes = [k.code for k in self.member_kinds]
        _require(bool(codes), _("A site needs at least one member kind."))
        _require(len(codes) == len(set(codes)), _("Member kind codes must be unique."))
        try:
            re.compile(self.username.pattern)
        except re.error as exc:
            raise ValidationError(
                _("The username pattern is not a valid expression: %(error)s"),
                params={"error": str(exc)},
            )
        _require(
            0 < self.username.min_length <= self.username.max_length <= 150,
            _("Username lengths must satisfy 0 < min ≤ max ≤ 150."),
        )
        pw = self.password
        _require(pw.class_scheme in CHARACTER_CLASS_SCHEMES, _("Unknown password class scheme."))
        _require(bool(pw.alternatives), _("The password rule needs at least one alternative."))
        n_classes = len(CHARACTER_CLASS_SCHEMES[pw.class_scheme])
        for alt in pw.alternatives:
            _require(
                8 <= alt.min_length <= pw.max_length <= 128,
                _("Password lengths must satisfy 8 ≤ min ≤ max ≤ 128."),
            )
            _require(1 <= alt.min_classes <= n_classes, _("min_classes is out of range."))
        for kind_code, purposes in self.verification.items():
            _require(
                kind_code in codes,
                _("Verification names an unknown kind %(kind)r."),
                kind=kind_code,
            )
            for purpose, sequences in purposes.items():
                _require(
                    purpose in VERIFICATION_PURPOSES,
                    _("Unknown purpose %(purpose)r."),
                    purpose=purpose,
                )
                for sequence in sequences:
                    _require(
                        bool(sequence) and set(sequence) <= VERIFICATION_METHODS,
                        _("Unknown verification method in %(sequence)r."),
                        sequence=sequence,
                    )
        _require(self.login_second_factor in (None, "sms_code"), _("Unknown login second factor."))
        _require(set(self.sns_providers) <= SNS_PROVIDERS, _("Unknown SNS provider."))
        _require(
            self.lockout.max_failures >= 1 and self.lockout.lock_minutes >= 1,
            _("Lockout needs at least one failure and one minute."),
        )
        _require(self.username_retention_days >= 0, _("Retention cannot be negative."))
        _require(
            isinstance(self.dispatch_max_recipients, int) and self.dispatch_max_recipients >= 1,
            _("A dispatch must allow at least one recipient."),
        )
        _require(
            isinstance(self.dispatch_max_gift_amount, int)
            and not isinstance(self.dispatch_max_gift_amount, bool)
            and self.dispatch_max_gift_amount >= 1_000,
            _("A gift must be allowed at least 1,000 won."),
        )
        _require(
            self.dispatch_max_recipients * self.dispatch_max_gift_amount <= WON_MAX,
            _("The recipients times the largest gift must be at most %(max)s won."),
            max=f"{WON_MAX:,}",
        )
