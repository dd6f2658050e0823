"""Password rules: the site's own (SPEC §2) plus Django's validators (SPEC §14)."""

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from domain.common.errors import DomainError, ValidationFailed
from domain.sites.errors import SiteErrorCode

from .errors import MemberErrorCode

PASSWORD_MESSAGES = {
    SiteErrorCode.PASSWORD_LENGTH: _("The password length does not meet the site's rule."),
    SiteErrorCode.PASSWORD_CHARACTER: _(
        "The password contains a character the site does not allow."
    ),
    SiteErrorCode.PASSWORD_CLASSES: _("The password does not combine enough kinds of characters."),
    MemberErrorCode.PASSWORD_CONTAINS_USERNAME: _("The password must not contain the login ID."),
}
# Django's validators → our codes; any other validator answers `password_invalid`.
VALIDATOR_CODES = {
    "password_too_common": MemberErrorCode.PASSWORD_TOO_COMMON,
    "password_too_similar": MemberErrorCode.PASSWORD_TOO_SIMILAR,
}

# Every code password_check can answer with (for the schema's error lists).
PASSWORD_ERROR_CODES = [
    *PASSWORD_MESSAGES,
    *VALIDATOR_CODES.values(),
    MemberErrorCode.PASSWORD_INVALID,
]


def password_check(*, site, password: str, username: str = "", member=None, attr="password"):
    """Raise ValidationFailed listing every rule `password` breaks for this site."""
    rule = site.rules.password
    errors: list[DomainError] = []
    code = rule.violation(password)
    if code:
        errors.append(DomainError(code, PASSWORD_MESSAGES[code], attr=attr))
    if username and username.lower() in password.lower():
        errors.append(
            DomainError(
                MemberErrorCode.PASSWORD_CONTAINS_USERNAME,
                PASSWORD_MESSAGES[MemberErrorCode.PASSWORD_CONTAINS_USERNAME],
                attr=attr,
            )
        )
    try:
        password_validation.validate_password(password, user=member)
    except ValidationError as exc:
        for error in exc.error_list:
            code = VALIDATOR_CODES.get(error.code, MemberErrorCode.PASSWORD_INVALID)
            errors.append(DomainError(code, " ".join(error.messages), attr=attr))
    if errors:
        raise ValidationFailed(errors)
