"""A model field that stores text encrypted; pair it with a ``*_hash`` field for lookups."""

from __future__ import annotations

from typing import Any

from django.db import models

from cunwu.pii import crypto


class EncryptedTextField(models.TextField):
    """Encrypts on the way to the database and decrypts on the way out; never filter on it."""

    description = "Text encrypted at rest (AES-256-GCM)"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value in (None, ""):
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value: Any) -> str | None:
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return crypto.encrypt(value)
