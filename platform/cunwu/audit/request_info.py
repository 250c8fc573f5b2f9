"""Where a change came from: client IP address and user agent of the current request.

``X-Forwarded-For`` is only believed when ``settings.CUNWU_TRUSTED_PROXIES`` (the number of reverse
proxies in front of the application) is above zero: otherwise any client could write any address into
the trail. With N trusted proxies the client is the N-th address from the right.

:class:`AuditRequestMiddleware` keeps the current request in a context variable so that services,
which take no request, still record where a change came from.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse

USER_AGENT_MAX = 300

_current_request: ContextVar[HttpRequest | None] = ContextVar("cunwu_audit_request", default=None)


def current_request() -> HttpRequest | None:
    return _current_request.get()


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    trusted = int(getattr(settings, "CUNWU_TRUSTED_PROXIES", 0))
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if trusted > 0 and forwarded:
        hops = [hop for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= trusted:
            return _valid_ip(hops[-trusted])
    return _valid_ip(request.META.get("REMOTE_ADDR", ""))


def user_agent(request: HttpRequest) -> str:
    return request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_MAX]


class AuditRequestMiddleware:
    """Makes the request visible to :func:`cunwu.audit.services.record` for the length of a request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)
