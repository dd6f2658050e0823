"""Purchases in the Django admin (SPEC §7.3, §8)."""

# Deposit matching lives in its own module (statements, rows, upload and confirmation).
from . import admin_deposits  # noqa: F401
