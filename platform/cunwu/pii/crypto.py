"""Encryption at rest with Fernet (``cryptography``), key rotation through MultiFernet, keyed hashes.

Keys come from settings (``CUNWU_FIELD_KEYS``, newest first): rotating means prepending a new key;
old rows stay readable and are re-encrypted when saved.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
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
    """A keyed hash (HMAC-SHA256) so an encrypted value can be found by equality without decrypting."""
    normalised = plain.strip().upper()
    return hmac.new(settings.FIELD_HASH_KEY.encode(), normalised.encode(), hashlib.sha256).hexdigest()


def lookup_hasher() -> Callable[[str], str]:
    """:func:`lookup_hash` for bulk work: the keyed state is computed once and copied per value."""
    keyed = hmac.new(settings.FIELD_HASH_KEY.encode(), digestmod=hashlib.sha256)

    def hash_one(plain: str) -> str:
        state = keyed.copy()
        state.update(plain.strip().upper().encode())
        return state.hexdigest()

    return hash_one
