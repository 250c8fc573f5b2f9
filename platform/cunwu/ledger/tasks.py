"""Periodic sealing and checkpoints, sent by beat to every county (tenant-aware task)."""

from __future__ import annotations

from cunwu.celery import app
from cunwu.ledger.models import Ledger
from cunwu.ledger.services import record_checkpoint


@app.task(name="cunwu.ledger.checkpoint_all")
def checkpoint_all() -> int:
    """Seal every ledger of this county and record its head (entries a skipped seal left pending, too)."""
    for ledger in Ledger.objects.all():
        record_checkpoint(ledger, actor="ledger.checkpoint_all")
    return Ledger.objects.count()
