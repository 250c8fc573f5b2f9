"""Quarterly red and black lists (红榜/黑榜) and honours candidates (评奖评优).

The tie rule, the same for both lists and for honours with a ``top_n``:

* a holder's quarter score is the sum of their approved events that occurred in the quarter;
* the red list ranks the positive scores from highest, the black list the negative scores from lowest;
* ranks are competition ranks (1, 2, 2, 4): equal scores share a rank and are marked ``tied``;
* the list holds the first N holders **and every holder tied with the N-th**, so a list can be longer
  than N but never cuts between equal scores;
* within a tie the order is by name, then by passbook number, so the order is the same on every run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from cunwu.audit.services import record
from cunwu.disclosure.services import post_notice
from cunwu.orgs.models import OrgUnit
from cunwu_points.models import ListEntry, Passbook, PointsEvent, QuarterlyList
from cunwu_points.parameters import HonourRule
from cunwu_points.periods import quarter_bounds
from cunwu_points.policy import parameters

ZERO = Decimal("0")


@dataclass(frozen=True)
class Ranked:
    rank: int
    key: Any
    name: str
    score: Decimal
    tied: bool


def rank(
    scores: Sequence[tuple[Any, str, Decimal]], size: int, *, lowest_first: bool = False
) -> list[Ranked]:
    """Rank ``(key, name, score)`` triples and cut after ``size``, keeping everyone tied at the cut-off."""
    ordered = sorted(scores, key=lambda s: (s[2] if lowest_first else -s[2], s[1], str(s[0])))
    counts: dict[Decimal, int] = {}
    for _key, _name, score in ordered:
        counts[score] = counts.get(score, 0) + 1
    result: list[Ranked] = []
    for position, (key, name, score) in enumerate(ordered, start=1):
        if len(result) >= size and score != result[-1].score:
            break
        shared_rank = result[-1].rank if result and result[-1].score == score else position
        result.append(Ranked(shared_rank, key, name, score, counts[score] > 1))
    return result


def quarter_scores(village: OrgUnit, year: int, quarter: int) -> dict[Passbook, Decimal]:
    start, end = quarter_bounds(year, quarter)
    rows = (
        PointsEvent.objects.filter(
            passbook__book__village=village,
            passbook__book__year=year,
            status=PointsEvent.Status.APPROVED,
            occurred_on__gte=start,
            occurred_on__lt=end,
        )
        .values("passbook")
        .annotate(score=Sum("points"))
    )
    scores = {row["passbook"]: row["score"] for row in rows}
    passbooks = Passbook.objects.filter(pk__in=scores).select_related("resident", "household__head")
    return {passbook: scores[passbook.pk] for passbook in passbooks}


def quarter_lists(village: OrgUnit, year: int, quarter: int) -> dict[str, list[Ranked]]:
    """The red and black lists of a quarter, computed (nothing written)."""
    size = parameters().list_size_for(village.code)
    scores = quarter_scores(village, year, quarter)
    positive = [(p, p.holder_name, s) for p, s in scores.items() if s > 0]
    negative = [(p, p.holder_name, s) for p, s in scores.items() if s < 0]
    return {
        QuarterlyList.Kind.RED: rank(positive, size),
        QuarterlyList.Kind.BLACK: rank(negative, size, lowest_first=True),
    }


def _notice_body(village: OrgUnit, lists: dict[str, list[QuarterlyList]]) -> str:
    lines = []
    for quarterly in lists:
        lines.append(f"【{quarterly.get_kind_display()}】")
        entries = list(quarterly.entries.all())
        if not entries:
            lines.append(_("(本季度无)"))
        for entry in entries:
            tie = _("(并列)") if entry.tied else ""
            lines.append(f"{entry.rank}. {entry.label}{tie}  {entry.score.normalize():+f}分")
        lines.append("")
    lines.append(_("并列规则: 积分相同者名次相同, 与第N名积分相同者全部上榜。"))
    return "\n".join(lines)


def publish_quarterly_lists(village: OrgUnit, year: int, quarter: int, *, actor: Any) -> list[QuarterlyList]:
    """Write the quarter's lists and post them as one 公示; a second run returns the first lists."""
    existing = list(QuarterlyList.objects.filter(village=village, year=year, quarter=quarter))
    if existing:
        return existing
    policy = parameters()
    computed = quarter_lists(village, year, quarter)
    try:
        with transaction.atomic():
            made = []
            for kind, ranked in computed.items():
                quarterly = QuarterlyList.objects.create(
                    village=village,
                    year=year,
                    quarter=quarter,
                    kind=kind,
                    size=policy.list_size_for(village.code),
                    masked=policy.mask_names,
                )
                ListEntry.objects.bulk_create(
                    ListEntry(
                        list=quarterly,
                        rank=r.rank,
                        passbook=r.key,
                        label=r.key.holder_name_masked if policy.mask_names else r.name,
                        score=r.score,
                        tied=r.tied,
                    )
                    for r in ranked
                )
                made.append(quarterly)
            notice = post_notice(
                org_unit=village,
                title=_("%(village)s%(year)s年第%(quarter)s季度积分红黑榜")
                % {"village": village.name, "year": year, "quarter": quarter},
                body=_notice_body(village, made),
                min_days=policy.notice_days,
                actor=actor,
                subject=made[0],
                kind="points_ranking",
            )
            for quarterly in made:
                quarterly.notice = notice
                quarterly.save(update_fields=["notice"])
            record(
                actor=actor,
                action="points.lists_published",
                target=made[0],
                after={"village": village.pk, "year": year, "quarter": quarter, "notice": notice.pk},
            )
    except IntegrityError:  # published by a concurrent run
        return list(QuarterlyList.objects.filter(village=village, year=year, quarter=quarter))
    return made


def honour_candidates(village: OrgUnit, year: int, honour: HonourRule) -> list[Ranked]:
    """Holders who qualify for ``honour`` this year, best score first (ties at a ``top_n`` cut included)."""
    events = PointsEvent.objects.filter(
        passbook__book__village=village, passbook__book__year=year, status=PointsEvent.Status.APPROVED
    )
    counted = events.filter(rule__category__in=honour.categories) if honour.categories else events
    scores = {
        row["passbook"]: row["score"] for row in counted.values("passbook").annotate(score=Sum("points"))
    }
    if honour.no_penalties:
        penalised = set(events.filter(points__lt=0).values_list("passbook", flat=True))
        scores = {pk: score for pk, score in scores.items() if pk not in penalised}
    passbooks = Passbook.objects.filter(pk__in=scores).select_related("resident", "household__head")
    if honour.party_member_only:
        passbooks = passbooks.filter(
            Q(resident__is_party_member=True) | Q(household__members__is_party_member=True)
        ).distinct()
    eligible = [(p, p.holder_name, scores[p.pk]) for p in passbooks if scores[p.pk] >= honour.min_score]
    return rank(eligible, honour.top_n or len(eligible) or 1)
