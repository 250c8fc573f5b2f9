"""社收集、村整理: proposals by villager group, the self-assessment, three-step scoring, the shortlist.

三步量分法 (seed 001; its appendix is missing, so criteria and weights are policy): step 1, each scorer
scores each criterion of each proposal; step 2, a sheet's weighted score on a 0–100 scale is
Σ weight × score / max score × 100 / Σ weight; step 3, a proposal's total is the mean of the sheets that
count. The ranking is a pure function of the stored scores and the round's rules (reproducible); equal
totals share a rank and are marked tied; every missing score is listed against the proposal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cunwu.audit.services import record, snapshot
from cunwu.orgs.models import OrgUnit
from cunwu_projects.errors import ProjectError
from cunwu_projects.models import Proposal, Score, SelectionRound, SelfAssessment
from cunwu_projects.params import CATEGORIES
from cunwu_projects.rules import rules_in_force
from cunwu_projects.services import require_role

VILLAGE_ROLES = ("village_secretary", "committee_member")
SCORER_ROLES = ("council_member", "village_secretary", "committee_member")
PROPOSER_ROLES = ("villager", "council_member", "village_secretary", "committee_member")
CENT = Decimal("0.01")


@transaction.atomic
def record_self_assessment(
    *, village: OrgUnit, year: int, summary: str, items: list[dict[str, str]], actor: Any
) -> SelfAssessment:
    """现状分析自查表: the state of the village's services against its needs."""
    require_role(actor, VILLAGE_ROLES, village, _("填写现状分析自查表"))
    if not summary.strip():
        raise ProjectError(_("请填写现状概述"))
    for item in items:
        if not isinstance(item, dict) or set(item) - {"area", "state", "need"} or not item.get("area"):
            raise ProjectError(_("自查事项须包含 area(方面)、state(现状)、need(需求)"))
    assessment = SelfAssessment.objects.create(
        village=village, year=year, summary=summary.strip(), items=items, created_by=actor
    )
    record(actor=actor, action="projects.self_assessment", target=village, after=snapshot(assessment))
    return assessment


@transaction.atomic
def open_round(*, village: OrgUnit, year: int, title: str, actor: Any) -> SelectionRound:
    """Open a round of collection; it keeps the scoring rules in force now."""
    require_role(actor, VILLAGE_ROLES, village, _("发起项目征集"))
    if village.level != OrgUnit.Level.VILLAGE:
        raise ProjectError(_("项目征集须在村(社区)进行"))
    rules, version = rules_in_force()
    selection = SelectionRound.objects.create(
        village=village,
        year=year,
        title=title.strip() or _("%(year)s年项目征集") % {"year": year},
        scoring=rules.scoring.model_dump(mode="json"),
        policy_version=version,
    )
    record(actor=actor, action="projects.round_open", target=village, after=snapshot(selection))
    return selection


def _require_open(selection: SelectionRound) -> None:
    if selection.status != SelectionRound.Status.OPEN:
        raise ProjectError(_("本轮征集已结束"))


@transaction.atomic
def submit_proposal(
    selection: SelectionRound,
    *,
    group: OrgUnit,
    title: str,
    category: str,
    location: str,
    estimated_budget: Decimal,
    actor: Any,
    description: str = "",
) -> Proposal:
    """A proposal collected from a villager group (以社为单位)."""
    _require_open(selection)
    if group.level != OrgUnit.Level.GROUP or group.parent_id != selection.village_id:
        raise ProjectError(_("提出建议的村民小组须属于本村"))
    require_role(actor, PROPOSER_ROLES, group, _("提交项目建议"))
    if category not in CATEGORIES:
        raise ProjectError(_("类别须为四类运行维护项目之一"))
    if not title.strip() or not location.strip():
        raise ProjectError(_("请填写项目名称和地点"))
    try:
        budget = Decimal(estimated_budget)
    except (InvalidOperation, TypeError) as exc:
        raise ProjectError(_("预算须为金额")) from exc
    if budget <= 0:
        raise ProjectError(_("预算须大于零"))
    proposal = Proposal.objects.create(
        round=selection,
        group=group,
        title=title.strip(),
        category=category,
        location=location.strip(),
        estimated_budget=budget,
        description=description,
        submitted_by=actor,
    )
    record(actor=actor, action="projects.propose", target=group, after=snapshot(proposal))
    return proposal


@transaction.atomic
def submit_sheet(selection: SelectionRound, *, scores: dict[int, dict[str, Any]], actor: Any) -> int:
    """Record (or correct) the acting scorer's sheet: ``{proposal_id: {criterion: score}}``."""
    _require_open(selection)
    require_role(actor, SCORER_ROLES, selection.village, _("评分"))
    criteria = {c["code"]: Decimal(str(c["max_score"])) for c in selection.scoring["criteria"]}
    proposals = set(selection.proposals.values_list("pk", flat=True))
    rows = []
    for proposal_id, values in scores.items():
        if int(proposal_id) not in proposals:
            raise ProjectError(_("建议 %(id)s 不属于本轮征集") % {"id": proposal_id})
        for code, raw in values.items():
            if code not in criteria:
                raise ProjectError(_("未知评分项:%(code)s") % {"code": code})
            try:
                value = Decimal(str(raw))
            except InvalidOperation as exc:
                raise ProjectError(_("得分须为数字:%(v)s") % {"v": raw}) from exc
            if not Decimal(0) <= value <= criteria[code]:
                raise ProjectError(
                    _("%(code)s 的得分须在 0 到 %(max)s 之间") % {"code": code, "max": criteria[code]}
                )
            rows.append((int(proposal_id), code, value))
    for proposal_id, code, value in rows:
        Score.objects.update_or_create(
            round=selection,
            scorer=actor,
            proposal_id=proposal_id,
            criterion=code,
            defaults={"value": value},
        )
    record(
        actor=actor,
        action="projects.score",
        target=selection.village,
        after={"round": selection.pk, "scores": [[p, c, str(v)] for p, c, v in rows]},
    )
    return len(rows)


@dataclass
class RankRow:
    proposal: Proposal
    total: Decimal | None
    sheets_counted: int
    missing: list[str] = field(default_factory=list)
    rank: int | None = None
    tied: bool = False


def _sheet_score(values: dict[str, Decimal], criteria: list[dict[str, Any]]) -> Decimal:
    weight_sum = sum(Decimal(str(c["weight"])) for c in criteria)
    weighted = sum(
        Decimal(str(c["weight"])) * values.get(c["code"], Decimal(0)) / Decimal(str(c["max_score"]))
        for c in criteria
    )
    return weighted * 100 / weight_sum


def ranking(selection: SelectionRound) -> list[RankRow]:
    """The round's ranking by the three steps, with ties and missing scores shown."""
    criteria = selection.scoring["criteria"]
    names = {c["code"]: c["name"] for c in criteria}
    exclude = selection.scoring.get("missing", "exclude") == "exclude"
    sheets: dict[tuple[int, int], dict[str, Decimal]] = {}
    for score in Score.objects.filter(round=selection):
        sheets.setdefault((score.scorer_id, score.proposal_id), {})[score.criterion] = score.value
    scorer_ids = sorted({scorer for scorer, _proposal in sheets})
    scorers = {u.pk: str(u) for u in get_user_model().objects.filter(pk__in=scorer_ids)}
    rows = []
    for proposal in selection.proposals.select_related("group").order_by("pk"):
        results, missing = [], []
        for scorer in scorer_ids:
            values = sheets.get((scorer, proposal.pk), {})
            gaps = [names[c["code"]] for c in criteria if c["code"] not in values]
            if gaps:
                missing.append(
                    _("%(who)s未评:%(what)s%(rule)s")
                    % {
                        "who": scorers[scorer],
                        "what": "、".join(gaps),
                        "rule": _("(不计入)") if exclude else _("(按0分计)"),
                    }
                )
                if exclude:
                    continue
            results.append(_sheet_score(values, criteria))
        total = (sum(results) / len(results)).quantize(CENT, ROUND_HALF_UP) if results else None
        rows.append(RankRow(proposal, total, len(results), missing))
    rows.sort(key=lambda r: (r.total is None, -(r.total or 0), r.proposal.pk))
    for index, row in enumerate(rows):
        if row.total is None:
            continue
        previous = rows[index - 1] if index else None
        row.rank = previous.rank if previous and previous.total == row.total else index + 1
        row.tied = sum(1 for other in rows if other.total == row.total) > 1
    return rows


@transaction.atomic
def close_round(selection: SelectionRound, *, actor: Any) -> list[RankRow]:
    """Form the 初选项目表: the best ``shortlist_size`` proposals, and all tied with the last of them."""
    _require_open(selection)
    require_role(actor, VILLAGE_ROLES, selection.village, _("形成初选项目表"))
    rows = ranking(selection)
    size = int(selection.scoring.get("shortlist_size", 5))
    for row in rows:
        # Competition ranks: proposals tied with the last place inside the size all get in.
        row.proposal.rank = row.rank
        row.proposal.shortlisted = row.rank is not None and row.rank <= size
        row.proposal.save(update_fields=["rank", "shortlisted"])
    selection.status = SelectionRound.Status.CLOSED
    selection.closed_at = timezone.now()
    selection.save(update_fields=["status", "closed_at"])
    record(
        actor=actor,
        action="projects.shortlist",
        target=selection.village,
        after={
            "round": selection.pk,
            "ranking": [[r.proposal.pk, str(r.total), r.rank, r.tied, r.missing] for r in rows],
        },
    )
    return rows
