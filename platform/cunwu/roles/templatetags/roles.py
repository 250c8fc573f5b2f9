"""``{% load roles %}`` … ``{% if user|holds:"county_admin,township_official" %}``: show what a user may use."""

from __future__ import annotations

from typing import Any

from django import template

from cunwu.roles.permissions import has_role

register = template.Library()


@register.filter
def holds(user: Any, codes: str) -> bool:
    """Whether ``user`` holds one of the comma-separated role codes anywhere in the county."""
    return has_role(user, *(code.strip() for code in codes.split(",") if code.strip()))
