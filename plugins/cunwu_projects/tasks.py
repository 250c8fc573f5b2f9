"""Celery tasks; beat runs them once per county where the plugin is on (tenant-aware tasks)."""

from __future__ import annotations

from celery import shared_task

from cunwu_projects import implementation


@shared_task(name="cunwu_projects.tasks.scan_deadlines")
def scan_deadlines() -> int:
    """Remind, flag and escalate monthly-disclosure, step and settlement deadlines in this county."""
    return implementation.scan_deadlines()
