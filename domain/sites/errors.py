"""Error codes of sites and their public pages (SPEC §2, §5 "Sign-up manual")."""

from domain.common.errors import ErrorCode


class SiteErrorCode(ErrorCode):
    SITE_NOT_FOUND = "site_not_found"
    MANUAL_NOT_FOUND = "manual_not_found"
    # The site's own rules (domain.sites.policy): its member kinds, its ID and password rules.
    UNKNOWN_MEMBER_KIND = "unknown_member_kind"
    USERNAME_LENGTH = "username_length"
    USERNAME_PATTERN = "username_pattern"
    PASSWORD_LENGTH = "password_length"
    PASSWORD_CHARACTER = "password_character"
    PASSWORD_CLASSES = "password_classes"
