"""Periodic sealing and checkpoints, sent by beat to every county (tenant-aware tasks)."""

from __future__ import annotations

from cunwu.celery import app
from cunwu.ledger.models import Ledger
from cunwu.ledger.services import record_checkpoint, seal


@app.task(name="cunwu.ledger.checkpoint_all")
def checkpoint_all() -> int:
    """Seal every ledger of this county and record its head (entries a skipped seal left pending, too)."""
    for ledger in Ledger.objects.all():
        record_checkpoint(ledger, actor="ledger.checkpoint_all")
    return Ledger.objects.count()


@app.task(name="cunwu.ledger.seal_all")
def seal_all() -> int:
    """Seal what postings left pending in this county (the post-commit seal is throttled); the count."""
    return sum(max(seal(ledger_id), 0) for ledger_id in Ledger.objects.values_list("pk", flat=True))
