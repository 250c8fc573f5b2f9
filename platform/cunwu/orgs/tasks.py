"""Celery tasks of orgs (tenant-aware: they run in the schema of the county that sent them)."""

from __future__ import annotations

from cunwu.celery import app
from cunwu.orgs.importing import run_job
from cunwu.orgs.models import ImportJob


@app.task(name="cunwu.orgs.run_import_job")
def run_import_job(job_id: int) -> str:
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None or job.finished:
        return "gone"  # already run (acks_late redelivery) or deleted
    return run_job(job).status
