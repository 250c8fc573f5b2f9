"""Host → county lookup with a per-process cache.

django-tenants' default middleware looks the domain up on every request (LESSONS.md pitfall 11). The
cache here is invalidated in-process by signals and, for other processes, expires after
``ROUTE_CACHE_SECONDS``; a county's domains rarely change, and a stale entry can only route a host to
the county it belonged to a few seconds ago, never to another county's rows.

The cache is only filled outside transactions: a lookup inside one may see a domain or an enablement
version that is rolled back afterwards, and caching that would outlive the rollback.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.db import connection

from cunwu.tenancy.models import County, Domain

ROUTE_CACHE_SECONDS = getattr(settings, "CUNWU_ROUTE_CACHE_SECONDS", 30)

_routes: dict[str, tuple[float, County | None]] = {}


def county_for_host(host: str) -> County | None:
    """The county serving ``host`` (without port), or ``None`` for the operator's host and unknown hosts."""
    now = time.monotonic()
    cached = _routes.get(host)
    if cached is not None and cached[0] > now:
        return cached[1]
    domain = Domain.objects.select_related("tenant").filter(domain=host).first()
    county = domain.tenant if domain and domain.tenant.schema_name != settings.PUBLIC_SCHEMA_NAME else None
    if not connection.in_atomic_block:
        _routes[host] = (now + ROUTE_CACHE_SECONDS, county)
    return county


def forget_all() -> None:
    _routes.clear()
