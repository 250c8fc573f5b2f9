"""The yearly cycle (积分不跨年): close a points year, and the next one starts from zero.

Closing writes nothing to the ledger: the old year's entries and balances stay exactly as they were
(readable, verifiable), the year is only marked closed so nothing more is registered or redeemed in it.
The next year has its own ledger and accounts, so every passbook starts it at zero.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from cunwu.audit.services import record
from cunwu.orgs.models import OrgUnit
from cunwu_points.models import PointsBook
from cunwu_points.policy import parameters
from cunwu_points.services.passbooks import book_for


def close_date(year: int) -> dt.date:
    month, day = (int(part) for part in parameters().year_close.split("-"))
    return dt.date(year, month, day)


def close_year(year: int, *, actor: Any) -> int:
    """Close every village's book of ``year`` and open ``year + 1``; returns how many books were closed."""
    with transaction.atomic():
        books = list(PointsBook.objects.select_for_update().filter(year=year, closed_at__isnull=True))
        now = timezone.now()
        for book in books:
            book.closed_at = now
            book.save(update_fields=["closed_at"])
        for village in OrgUnit.objects.filter(level=OrgUnit.Level.VILLAGE):
            book_for(village, year + 1)
        record(actor=actor, action="points.year_closed", after={"year": year, "books": len(books)})
    return len(books)


def close_due_years(today: dt.date | None = None, *, actor: Any = "points-year-close") -> list[int]:
    """The beat task's work: close every open year whose close date has passed (idempotent)."""
    today = today or timezone.localdate()
    open_years = sorted(set(PointsBook.objects.filter(closed_at__isnull=True).values_list("year", flat=True)))
    closed = []
    for year in open_years:
        if today > close_date(year):
            close_year(year, actor=actor)
            closed.append(year)
    return closed
