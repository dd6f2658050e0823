from django.contrib.auth.hashers import Argon2PasswordHasher


class FastArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id with test-only cost parameters so the suite stays fast."""

    algorithm = "argon2"
    time_cost = 1
    memory_cost = 256
    parallelism = 1
