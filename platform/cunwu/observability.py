"""Sentry, initialised when ``SENTRY_DSN`` is set; every event carries its county.

The tags are added in ``before_send``, which runs in the thread that captured the event — the request's
or the Celery task's — while the connection still points at that county's schema. So no per-request
work is added to the hot path, and events from tasks are tagged the same way as those from requests.
"""

from __future__ import annotations

from typing import Any

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration


def tag_county(event: dict[str, Any], _hint: dict[str, Any]) -> dict[str, Any]:
    """Tag ``county`` (the slug, ``public`` on the operator's host) and ``schema``."""
    from django.db import connection

    schema = getattr(connection, "schema_name", None) or "public"
    tenant = getattr(connection, "tenant", None)
    tags = event.setdefault("tags", {})
    tags["county"] = getattr(tenant, "slug", None) or schema
    tags["schema"] = schema
    return event


def init_sentry(dsn: str, **options: Any) -> None:
    """Sentry's default sends no personal data (user details, cookies, bodies): PIPL wants it so."""
    sentry_sdk.init(
        dsn=dsn,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        before_send=tag_county,
        **options,
    )
