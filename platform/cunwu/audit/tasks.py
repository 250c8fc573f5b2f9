"""Celery task of audit: the daily retention purge, sent by beat to every county (tenant-aware)."""

from __future__ import annotations

from cunwu.audit import services
from cunwu.celery import app


@app.task(name="cunwu.audit.purge_expired")
def purge_expired() -> int:
    """Delete this county's entries older than ``CUNWU_AUDIT_RETENTION_DAYS`` (never under 180 days)."""
    return services.purge_expired()
