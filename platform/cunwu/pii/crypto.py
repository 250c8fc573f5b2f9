"""Encryption at rest with Fernet (``cryptography``), key rotation through MultiFernet, keyed hashes.

Keys come from settings (``CUNWU_FIELD_KEYS``, newest first): rotating means prepending a new key;
old rows stay readable and are re-encrypted when saved.
"""

from __future__ import annotations

import hmac
from functools import cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


@cache
def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key) for key in settings.FIELD_ENCRYPTION_KEYS])


def encrypt(plain: str) -> str:
    return _fernet().encrypt(plain.encode()).decode()


def decrypt(token: str) -> str:
    return _fernet().decrypt(token.encode()).decode()


def lookup_hash(plain: str) -> str:
    """A keyed hash (HMAC-SHA256) so an encrypted value can be found by equality without decrypting.

    ``hmac.digest`` is OpenSSL's one-shot HMAC: fast enough to hash every number of a 100,000-row import.
    """
    return hmac.digest(_hash_key(), plain.strip().upper().encode(), "sha256").hex()


@cache
def _hash_key() -> bytes:
    return settings.FIELD_HASH_KEY.encode()
