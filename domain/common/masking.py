"""Masking of personal data in lists (SPEC §13 "Masking in lists")."""


def mask_name(name: str) -> str:
    """김정호 → 김정*, 김정 → 김*, 남궁민수 → 남궁**."""
    if not name:
        return ""
    if len(name) <= 2:
        return name[0] + "*" * (len(name) - 1)
    if len(name) == 3:
        return name[:2] + "*"
    return name[:2] + "*" * (len(name) - 2)


def mask_phone(phone: str) -> str:
    """01041234190 → 0104****190 (first 4 and last 3 digits kept)."""
    if len(phone) < 8:
        return "*" * len(phone)
    return phone[:4] + "*" * (len(phone) - 7) + phone[-3:]


def mask_account(number: str) -> str:
    """70010012345 → 700100*****."""
    return number[:6] + "*" * max(len(number) - 6, 0)


def mask_username(username: str) -> str:
    """jwkim → jwk**."""
    return username[:3] + "*" * max(len(username) - 3, 0)


def mask_email(email: str) -> str:
    local, _, domain = email.partition("@")
    if not domain:
        return mask_username(email)
    return f"{local[:2]}{'*' * max(len(local) - 2, 1)}@{domain}"
