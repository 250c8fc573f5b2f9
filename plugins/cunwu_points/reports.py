"""Figures for cadres and the province: issued, redeemed, outstanding, top rules, participation.

Read-only. Every figure is an aggregate over this plugin's rows, grouped by village in one query each,
so a county report costs the same few queries whatever the number of villages. ``outstanding`` is what
the ledger holds on passbooks (points posted minus points redeemed), so it always equals the sum of the
passbooks' redeemable balances.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils.translation import gettext as _
from openpyxl import Workbook

from cunwu.exports import workbook_bytes
from cunwu.orgs.models import Household, OrgUnit, Resident
from cunwu_points.models import PointsEvent, Redemption
from cunwu_points.policy import parameters

ZERO = Decimal("0")
APPROVED = PointsEvent.Status.APPROVED


@dataclass
class Figures:
    """One row of the report: a village, or the sum over a township or the county."""

    name: str
    issued: Decimal = ZERO
    penalties: Decimal = ZERO
    redeemed: Decimal = ZERO
    outstanding: Decimal = ZERO
    participants: int = 0
    eligible: int = 0
    children: list[Figures] = field(default_factory=list)

    @property
    def participation_rate(self) -> Decimal:
        """Share of holders with at least one approved event this year (参与率)."""
        if not self.eligible:
            return ZERO
        return (Decimal(self.participants) / Decimal(self.eligible)).quantize(Decimal("0.0001"))

    def add(self, other: Figures) -> None:
        for name in ("issued", "penalties", "redeemed", "outstanding", "participants", "eligible"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.children.append(other)


def _by_village(queryset: QuerySet, village_field: str, **aggregates) -> dict[int, dict]:
    return {row[village_field]: row for row in queryset.values(village_field).annotate(**aggregates)}


def _eligible(villages: list[OrgUnit]) -> dict[int, int]:
    """How many holders (households or active residents, per policy) each village has."""
    model = Household if parameters().passbook_holder == "household" else Resident
    counts = {}
    for village in villages:
        rows = model.objects.filter(group__path__startswith=village.path + "/")
        counts[village.pk] = (rows.filter(active=True) if model is Resident else rows).count()
    return counts


def village_figures(villages: Iterable[OrgUnit], year: int) -> list[Figures]:
    """One :class:`Figures` per village for ``year``."""
    villages = list(villages)
    ids = [v.pk for v in villages]
    events = PointsEvent.objects.filter(
        passbook__book__village__in=ids, passbook__book__year=year, status=APPROVED
    )
    village_key = "passbook__book__village"
    scored = _by_village(
        events,
        village_key,
        issued=Sum("points", filter=Q(points__gt=0), default=ZERO),
        penalties=Sum("points", filter=Q(points__lt=0), default=ZERO),
        posted=Sum("posted_points", default=ZERO),
        participants=Count("passbook", distinct=True),
    )
    redeemed = _by_village(
        Redemption.objects.filter(
            passbook__book__village__in=ids, passbook__book__year=year, reversed_at__isnull=True
        ),
        village_key,
        points_sum=Sum("points", default=ZERO),
    )
    eligible = _eligible(villages)
    result = []
    for village in villages:
        row = scored.get(village.pk, {})
        spent = redeemed.get(village.pk, {}).get("points_sum", ZERO)
        result.append(
            Figures(
                name=village.name,
                issued=row.get("issued", ZERO),
                penalties=row.get("penalties", ZERO),
                redeemed=spent,
                outstanding=row.get("posted", ZERO) - spent,
                participants=row.get("participants", 0),
                eligible=eligible[village.pk],
            )
        )
    return result


def rollup(units: Iterable[OrgUnit], year: int, name: str) -> Figures:
    """County (or any set of units) → townships → villages, summed level by level."""
    total = Figures(name=name)
    for township in units:
        if township.level == OrgUnit.Level.VILLAGE:
            for figures in village_figures([township], year):
                total.add(figures)
            continue
        villages = OrgUnit.objects.filter(level=OrgUnit.Level.VILLAGE, path__startswith=township.path + "/")
        township_total = Figures(name=township.name)
        for figures in village_figures(villages, year):
            township_total.add(figures)
        total.add(township_total)
    return total


def top_rules(villages: Iterable[OrgUnit], year: int, limit: int = 10) -> list[dict]:
    """The behaviours registered most often this year, with the points they moved."""
    return list(
        PointsEvent.objects.filter(
            passbook__book__village__in=list(villages), passbook__book__year=year, status=APPROVED
        )
        .values(behaviour=F("rule__behaviour"), code=F("rule__code"))
        .annotate(count=Count("id"), points=Sum("points"))
        .order_by("-count", "code")[:limit]
    )


def registrar_volume(villages: Iterable[OrgUnit], start: dt.date, end: dt.date) -> list[dict]:
    """Events registered per registrar per day in ``[start, end]`` (for supervisors, 监督审核)."""
    return list(
        PointsEvent.objects.filter(
            passbook__book__village__in=list(villages),
            registered_at__date__gte=start,
            registered_at__date__lte=end,
        )
        .annotate(day=TruncDate("registered_at"))
        .values("day", "registered_by", username=F("registered_by__username"))
        .annotate(
            count=Count("id"),
            approved=Count("id", filter=Q(status=APPROVED)),
            rejected=Count("id", filter=Q(status=PointsEvent.Status.REJECTED)),
        )
        .order_by("-day", "-count")
    )


def province_metrics(year: int) -> dict[str, object]:
    """The county's points figures for the provincial rollup (``cunwu_province_metrics``)."""
    total = rollup(OrgUnit.objects.filter(level=OrgUnit.Level.TOWNSHIP), year, "")
    return {
        "points_issued": str(total.issued),
        "points_penalties": str(total.penalties),
        "points_redeemed": str(total.redeemed),
        "points_outstanding": str(total.outstanding),
        "points_participants": total.participants,
        "points_participation_rate": str(total.participation_rate),
    }


def figures_xlsx(total: Figures, year: int) -> bytes:
    """The report as a workbook: one line per township and village, then the total."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("积分统计")
    sheet.append([_("%s年度积分制统计") % year])
    sheet.append(
        [
            _("单位"),
            _("发放积分"),
            _("扣分"),
            _("已兑换"),
            _("未兑换余额"),
            _("参与户(人)数"),
            _("应参与"),
            _("参与率"),
        ]
    )

    def write(figures: Figures, indent: int) -> None:
        sheet.append(
            [
                "  " * indent + figures.name,
                figures.issued,
                figures.penalties,
                figures.redeemed,
                figures.outstanding,
                figures.participants,
                figures.eligible,
                float(figures.participation_rate),
            ]
        )
        for child in figures.children:
            write(child, indent + 1)

    for child in total.children:
        write(child, 0)
    total_row = Figures(name=_("合计"))
    for name in ("issued", "penalties", "redeemed", "outstanding", "participants", "eligible"):
        setattr(total_row, name, getattr(total, name))
    write(total_row, 0)
    return workbook_bytes(book)
