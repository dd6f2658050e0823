"""Which signing keys are unfit for a deployment (backend.checks, backend.settings.production)."""

import json

from django.core.exceptions import ImproperlyConfigured

# backend.settings.local falls back to this: it is in the repository, so it signs nothing real.
DEV_SECRET_KEY = "local-dev-only-not-secret-" + "x" * 32
MIN_KEY_LENGTH = 32


def key_weakness(key: str) -> str | None:
    """Why `key` must not sign or key anything in a deployment, or None."""
    if not key:
        return "is not set"
    if key == DEV_SECRET_KEY or key.startswith(("local-dev-only", "django-insecure-")):
        return "is a public development value"
    if len(key) < MIN_KEY_LENGTH or len(set(key)) < 5:
        return f"is weak (use at least {MIN_KEY_LENGTH} random characters)"
    return None


# backend.settings.local falls back to this for the gift app's callbacks (public, like the above).
DEV_GIFT_APP_SECRET = "local-dev-only-gift-app-secret-" + "x" * 24


def gift_app_secrets_parse(raw: str) -> dict[str, list[str]]:
    """GIFT_APP_SECRETS: JSON `{"<site>": "<secret>"}`, or a list per site while rotating
    (`["<new>", "<previous>"]`: the gift app signs with the first, every listed one verifies).
    A malformed value stops the settings; the message never repeats the value."""
    if not raw.strip():
        return {}
    try:
        value = json.loads(raw)
    except ValueError:
        raise ImproperlyConfigured("GIFT_APP_SECRETS is not valid JSON.") from None
    if not isinstance(value, dict):
        raise ImproperlyConfigured('GIFT_APP_SECRETS must be a JSON object: {"<site>": ...}.')
    parsed: dict[str, list[str]] = {}
    for site, secrets in value.items():
        listed = [secrets] if isinstance(secrets, str) else secrets
        if not isinstance(listed, list) or not all(isinstance(s, str) and s for s in listed):
            raise ImproperlyConfigured(
                f"GIFT_APP_SECRETS[{site!r}] must be a non-empty string or a list of them."
            )
        parsed[str(site)] = listed
    return parsed
