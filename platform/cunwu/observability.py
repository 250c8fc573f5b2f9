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

from cunwu.pii.logging import mask_text


def tag_county(event: dict[str, Any], _hint: dict[str, Any]) -> dict[str, Any]:
    """Tag ``county`` (the slug, ``public`` on the operator's host) and ``schema``."""
    from django.db import connection

    schema = getattr(connection, "schema_name", None) or "public"
    tenant = getattr(connection, "tenant", None)
    tags = event.setdefault("tags", {})
    tags["county"] = getattr(tenant, "slug", None) or schema
    tags["schema"] = schema
    return event


def mask_personal_numbers(value: Any) -> Any:
    """``value`` with every ID-card and mobile number in its strings masked, however deeply nested.

    Sentry sends no bodies or cookies by default, but URLs, query strings, exception messages and local
    variables may still carry a number (``/api/residents/?id_card=…``).
    """
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {key: mask_personal_numbers(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [mask_personal_numbers(item) for item in value]
    return value


def before_send(event: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
    """Every event leaves tagged with its county and with personal numbers masked."""
    return mask_personal_numbers(tag_county(event, hint))


def init_sentry(dsn: str, **options: Any) -> None:
    """Sentry's default sends no personal data (user details, cookies, bodies): PIPL wants it so."""
    sentry_sdk.init(
        dsn=dsn,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        before_send=before_send,
        **options,
    )
