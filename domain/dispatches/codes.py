"""Claim codes of gifts (issue 11 points 5 and 6; SPEC §4: codes only as keyed hashes).

Sending puts a code in each recipient's claim link and stores only `claim_code_hash(code)` in
`Recipient.claim_code_hash` (unique); the gift app's callbacks find the gift by the same hash.
The key is IDENTITY_HASH_KEY (domain.common.hashing), domain-separated by its own purpose, so a
leaked table of hashes gives no codes and no other keyed hash matches one.
"""

from domain.common.hashing import keyed_hash

CLAIM_CODE_PURPOSE = "gift_claim_code"
# The longest code looked up: anything longer is no code of ours (not even hashed).
CLAIM_CODE_MAX_LENGTH = 64


def claim_code_hash(code: str) -> str:
    """HMAC-SHA256 of the code exactly as given (case kept), hex: 64 characters."""
    return keyed_hash(code, purpose=CLAIM_CODE_PURPOSE)
