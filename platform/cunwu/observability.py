"""Sentry, initialised when ``SENTRY_DSN`` is set; every event carries the county's schema."""

from __future__ import annotations

from typing import Any

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration


def tag_county(event: dict[str, Any], _hint: dict[str, Any]) -> dict[str, Any]:
    from django.db import connection

    event.setdefault("tags", {})["county"] = getattr(connection, "schema_name", "public")
    return event


def init_sentry(dsn: str, **options: Any) -> None:
    sentry_sdk.init(
        dsn=dsn,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        before_send=tag_county,
        send_default_pii=False,
        **options,
    )
