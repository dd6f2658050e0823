"""Claim codes are kept only as keyed hashes (SPEC §4 "codes only as keyed
hashes"): `claim_code_hash` is what sending stores and what the gift app's callbacks look up."""

import hashlib
import hmac
import re

from domain.common.hashing import keyed_hash
from domain.dispatches.claim_codes import CLAIM_CODE_PURPOSE, claim_code_hash


def test_the_hash_is_hmac_sha256_hex_keyed_by_the_identity_hash_key(settings):
    settings.IDENTITY_HASH_KEY = "k" * 8 + "-claim-code-test-key-" + "z" * 12
    digest = claim_code_hash("AbC123xyz")
    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    key = f"{settings.IDENTITY_HASH_KEY}:{CLAIM_CODE_PURPOSE}".encode()
    assert digest == hmac.new(key, b"AbC123xyz", hashlib.sha256).hexdigest()


def test_the_same_code_hashes_the_same_and_another_code_or_purpose_differently():
    assert claim_code_hash("AbC123xyz") == claim_code_hash("AbC123xyz")
    assert claim_code_hash("AbC123xyz") != claim_code_hash("AbC123xyZ")
    assert claim_code_hash("AbC123xyz") != keyed_hash("AbC123xyz", purpose="sms_code")


def test_another_key_gives_another_hash(settings):
    before = claim_code_hash("AbC123xyz")
    settings.IDENTITY_HASH_KEY = "another-deployment-key-" + "q" * 20
    assert claim_code_hash("AbC123xyz") != before
