"""Corporate services (SPEC §7)."""
