"""Masks shown wherever personal data is displayed without the unmask permission (GB/T 35273 §7.2)."""

from __future__ import annotations


def mask_id_card(value: str) -> str:
    """``110101199001011234`` → ``110101********1234``."""
    if not value:
        return ""
    if len(value) <= 10:
        return value[:2] + "*" * (len(value) - 2)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str) -> str:
    """``13812345678`` → ``138****5678``."""
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_name(value: str) -> str:
    """``张三丰`` → ``张*丰``; ``李四`` → ``李*``: for public lists when the policy asks for it."""
    if len(value) <= 1:
        return value
    if len(value) == 2:
        return value[0] + "*"
    return value[0] + "*" * (len(value) - 2) + value[-1]
