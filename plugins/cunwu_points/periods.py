"""Calendar periods used by limits (每日/每周/每月/每季度/每年) and by the quarterly lists."""

from __future__ import annotations

import datetime as dt


def quarter_of(day: dt.date) -> int:
    return (day.month - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    """First day and the day after the last day of a quarter."""
    start = dt.date(year, 3 * (quarter - 1) + 1, 1)
    end = dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1)
    return start, end


def period_bounds(day: dt.date, period: str) -> tuple[dt.date, dt.date]:
    """The half-open ``[start, end)`` period of kind ``period`` that contains ``day``."""
    if period == "day":
        return day, day + dt.timedelta(days=1)
    if period == "week":
        start = day - dt.timedelta(days=day.weekday())
        return start, start + dt.timedelta(days=7)
    if period == "month":
        start = day.replace(day=1)
        end = dt.date(day.year + 1, 1, 1) if day.month == 12 else dt.date(day.year, day.month + 1, 1)
        return start, end
    if period == "quarter":
        return quarter_bounds(day.year, quarter_of(day))
    if period == "year":
        return dt.date(day.year, 1, 1), dt.date(day.year + 1, 1, 1)
    raise ValueError(period)


def previous_quarter(day: dt.date) -> tuple[int, int]:
    """``(year, quarter)`` of the quarter before the one containing ``day``."""
    quarter = quarter_of(day)
    return (day.year - 1, 4) if quarter == 1 else (day.year, quarter - 1)
