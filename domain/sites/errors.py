"""Error codes of sites and their public pages (SPEC §2, §5 "Sign-up manual")."""

from domain.common.errors import ErrorCode


class SiteErrorCode(ErrorCode):
    SITE_NOT_FOUND = "site_not_found"
    MANUAL_NOT_FOUND = "manual_not_found"
