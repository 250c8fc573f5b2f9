"""Celery tasks of tenancy. They work on the public schema (the pool of spare schemas), not in a county.

Beat entries are sent once per county by tenant-schemas-celery; the spare-schema refill must run once,
in the public schema. :class:`PublicAwareScheduler` sends an entry addressed to the public schema
(``"tenant_schemas": ["public"]`` in ``CELERY_BEAT_SCHEDULE``) exactly once, there — the stock scheduler
would look for a ``County`` row named ``public`` and, finding none, send it nowhere.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django_tenants.utils import schema_context

from cunwu.celery import app
from cunwu.plugins.periodic import PluginAwareScheduler
from cunwu.tenancy.schema_pool import pool_size, refill_schema_pool


@app.task(name="cunwu.tenancy.refill_schema_pool")
def refill_schema_pool_task() -> dict[str, int]:
    """Drop stale spare schemas and top the pool up (a no-op when another refill is running)."""
    result = refill_schema_pool()
    return {"created": result.created, "dropped": result.dropped}


def request_refill() -> None:
    """Ask a worker to refill the pool (run on commit of an onboarding that took a schema)."""
    if pool_size():
        refill_schema_pool_task.apply_async(headers={"_schema_name": settings.PUBLIC_SCHEMA_NAME})


class PublicAwareScheduler(PluginAwareScheduler):
    """Beat scheduler: public-schema entries go out once; county entries as :class:`PluginAwareScheduler`."""

    def apply_entry(self, entry: Any, producer: Any = None) -> None:
        if entry.options.get("headers", {}).get("_schema_name") != settings.PUBLIC_SCHEMA_NAME:
            super().apply_entry(entry, producer=producer)
            return
        with schema_context(settings.PUBLIC_SCHEMA_NAME):
            self.apply_async(entry, producer=producer, advance=False)
