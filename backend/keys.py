"""Which signing keys are unfit for a deployment (backend.checks, backend.settings.production)."""

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
