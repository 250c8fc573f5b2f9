"""Scheduled work of the 积分超市, run once per county where the plugin is on (tenant-aware tasks).

Each task is a thin wrapper around a plain function so that tests call the function in a county's
schema; every function is idempotent (a re-run after a crash or a duplicate beat does nothing new).
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from cunwu.celery import app
from cunwu.orgs.models import OrgUnit
from cunwu_points.actors import system_user
from cunwu_points.models import ReportingReminder
from cunwu_points.periods import previous_quarter
from cunwu_points.policy import parameters
from cunwu_points.services.rankings import publish_quarterly_lists as publish_lists
from cunwu_points.services.years import close_due_years


def publish_lists_for_previous_quarter(today: dt.date | None = None) -> int:
    """Publish every village's red and black lists of the quarter before ``today``'s."""
    year, quarter = previous_quarter(today or timezone.localdate())
    actor = system_user()
    villages = OrgUnit.objects.filter(level=OrgUnit.Level.VILLAGE)
    for village in villages:
        publish_lists(village, year, quarter, actor=actor)
    return len(villages)


def send_reporting_reminders(today: dt.date | None = None) -> list[ReportingReminder]:
    """Create a reminder for each calendar item whose due date is within its reminder window."""
    today = today or timezone.localdate()
    made = []
    for item in parameters().reporting_calendar:
        due = item.due_in(today.year)
        if not (due - dt.timedelta(days=item.remind_days_before) <= today <= due):
            continue
        try:
            with transaction.atomic():
                made.append(
                    ReportingReminder.objects.create(
                        code=item.code, year=today.year, title=item.title, due_on=due
                    )
                )
        except IntegrityError:  # already reminded this year
            continue
    return made


@app.task(name="cunwu_points.tasks.publish_quarterly_lists")
def publish_quarterly_lists() -> int:
    return publish_lists_for_previous_quarter()


@app.task(name="cunwu_points.tasks.close_years")
def close_years() -> list[int]:
    return close_due_years(actor=system_user())


@app.task(name="cunwu_points.tasks.reporting_reminders")
def reporting_reminders() -> int:
    return len(send_reporting_reminders())
