"""Claim codes of gifts (SPEC §4: codes only as keyed hashes).

Sending puts a code in each recipient's claim link and stores only `claim_code_hash(code)` in
`Recipient.claim_code_hash` (unique); the gift app's callbacks find the gift by the same hash.
The key is IDENTITY_HASH_KEY (domain.common.hashing), domain-separated by its own purpose, so a
leaked table of hashes gives no codes and no other keyed hash matches one.
"""

import base64

from django.conf import settings

from domain.common.hashing import keyed_hash

CLAIM_CODE_PURPOSE = "gift_claim_code"
CODE_LENGTH = 16  # base32 characters: 80 bits
# The longest code looked up: anything longer is no code of ours (not even hashed).
CLAIM_CODE_MAX_LENGTH = 64


def claim_code_hash(code: str) -> str:
    """HMAC-SHA256 of the code exactly as given (case kept), hex: 64 characters."""
    return keyed_hash(code, purpose=CLAIM_CODE_PURPOSE)


def claim_code(recipient_id: int, batch_key: str) -> str:
    """The recipient's claim code: the same for the same batch key, unguessable without
    IDENTITY_HASH_KEY; lower-case base32 so it reads well in a link."""
    digest = bytes.fromhex(
        keyed_hash(f"{recipient_id}:{batch_key}", purpose="dispatch_claim_code_derive")
    )
    return base64.b32encode(digest[: CODE_LENGTH * 5 // 8]).decode().lower()


def claim_link(code: str) -> str:
    return f"{settings.GIFT_URL_BASE.rstrip('/')}/{code}"


def gift_text(body: str, code: str) -> str:
    """The text a recipient gets: the company's message, then the claim link."""
    return f"{body}\n{claim_link(code)}"
