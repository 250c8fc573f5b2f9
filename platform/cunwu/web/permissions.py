"""Who may use the operator's host: staff and superusers of the public schema (platform operators).

Roles (``cunwu.roles``) live in county schemas; the public schema has only its own accounts, so the
platform operator is a staff account there.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest


def is_platform_operator(user: Any) -> bool:
    return bool(user.is_active and (user.is_staff or user.is_superuser))


def operator_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Sign-in first (redirect to the login page), then 403 for anyone who is not an operator."""

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if getattr(request, "county", None) is not None or not is_platform_operator(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return login_required(guarded)
