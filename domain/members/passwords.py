"""Password rules: the site's own (SPEC §2) plus Django's validators (SPEC §14)."""

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from domain.common.errors import DomainError, ValidationFailed

PASSWORD_MESSAGES = {
    "password_length": _("The password length does not meet the site's rule."),
    "password_character": _("The password contains a character the site does not allow."),
    "password_classes": _("The password does not combine enough kinds of characters."),
    "password_contains_username": _("The password must not contain the login ID."),
}

# Every code password_check can answer with (for the schema's error lists).
PASSWORD_ERROR_CODES = [
    *PASSWORD_MESSAGES,
    "password_too_common",
    "password_too_similar",
    "password_invalid",
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
                "password_contains_username",
                PASSWORD_MESSAGES["password_contains_username"],
                attr=attr,
            )
        )
    try:
        password_validation.validate_password(password, user=member)
    except ValidationError as exc:
        for error in exc.error_list:
            code = {
                "password_too_common": "password_too_common",
                "password_too_similar": "password_too_similar",
            }.get(error.code, "password_invalid")
            errors.append(DomainError(code, " ".join(error.messages), attr=attr))
    if errors:
        raise ValidationFailed(errors)
