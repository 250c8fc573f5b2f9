"""Whether enough current members of a body attend a meeting for it to decide.

The default rule: voting attendees / seats ≥ ``body.quorum`` (seats: ``body.seats``, or the number of
current members when the body has no seat count). A county's plugin may override it through the
``cunwu_decide`` hook, rule ``"meetings.quorum_met"``, with context ``{"meeting", "body", "present",
"seats", "quorum", "default"}``; a non-``None`` answer replaces the default.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from django.db import connection
from django.db.models import Q, QuerySet

from cunwu.orgs.models import Body, Membership
from cunwu.plugins.host import hooks_for

RULE = "meetings.quorum_met"


def quorum_fraction(quorum: Decimal) -> Fraction:
    """``body.quorum`` as the simple fraction it stands for (0.667 → 2/3: three decimals cannot hold 2/3)."""
    return Fraction(quorum).limit_denominator(100)


@dataclass(frozen=True)
class QuorumStatus:
    present: int
    seats: int
    fraction: Fraction
    met: bool

    @property
    def required(self) -> int:
        """The fewest voting attendees that meet the default rule."""
        return math.ceil(self.fraction * self.seats)

    @property
    def share(self) -> str:
        """The rule in words, as 村规 state it: 过半数, 半数以上, 三分之二以上."""
        fraction = self.fraction
        if fraction == Fraction(1, 2):
            return "过半数" if 2 * self.required > self.seats else "半数以上"
        if fraction == Fraction(2, 3):
            return "三分之二以上"
        return f"{float(fraction):.0%}以上"

    @property
    def message(self) -> str:
        return f"出席 {self.present} 人,应到 {self.seats} 人,未达法定人数(需{self.share})"


def current_members(body: Body, on: date) -> QuerySet[Membership]:
    """Memberships of ``body`` in force on ``on``."""
    return body.memberships.filter(Q(end_date__isnull=True) | Q(end_date__gte=on), start_date__lte=on)


def _policy_override(meeting, status: QuorumStatus) -> bool | None:
    county = getattr(connection, "tenant", None)
    if getattr(county, "plugins_version", None) is None:
        return None
    context = {
        "meeting": meeting,
        "body": meeting.body,
        "present": status.present,
        "seats": status.seats,
        "quorum": status.fraction,
        "default": status.met,
    }
    answer = hooks_for(county).cunwu_decide(rule=RULE, context=context)
    return None if answer is None else bool(answer)


def quorum_status(meeting) -> QuorumStatus:
    body = meeting.body
    present = meeting.attendances.filter(voting=True).count()
    seats = body.seats or current_members(body, meeting.held_on).count()
    fraction = quorum_fraction(Decimal(body.quorum))
    met = seats > 0 and present >= fraction * seats
    status = QuorumStatus(present=present, seats=seats, fraction=fraction, met=met)
    override = _policy_override(meeting, status)
    if override is not None and override != met:
        status = QuorumStatus(present=present, seats=seats, fraction=fraction, met=override)
    return status
