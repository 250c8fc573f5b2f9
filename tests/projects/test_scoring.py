"""三步量分法: weights from policy, each scorer's sheet kept, a reproducible ranking, ties and gaps shown."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cunwu.orgs.models import OrgUnit
from cunwu_projects import selection
from cunwu_projects.errors import ProjectError


def _proposals(round_, actor, titles):
    groups = list(OrgUnit.objects.filter(parent=round_.village, level="group").order_by("code"))
    return [
        selection.submit_proposal(
            round_,
            group=groups[i % len(groups)],
            title=title,
            category="infrastructure",
            location="社内",
            estimated_budget=Decimal("10000"),
            actor=actor,
        )
        for i, title in enumerate(titles)
    ]


def test_ranking_follows_the_weights_shows_ties_and_missing_scores(village, make_user):
    secretary = make_user("village_secretary", village)
    scorer_a = make_user("council_member", village, username="scorer_a")
    scorer_b = make_user("council_member", village, username="scorer_b")
    round_ = selection.open_round(village=village, year=2026, title="2026年项目征集", actor=secretary)
    road, water, light = _proposals(round_, secretary, ["道路", "水渠", "路灯"])
    selection.submit_sheet(
        round_,
        scores={
            road.pk: {"need": 80, "benefit": 80, "feasibility": 80},
            water.pk: {"need": 100, "benefit": 60, "feasibility": 60},
            light.pk: {"need": 50},
        },
        actor=scorer_a,
    )
    selection.submit_sheet(
        round_,
        scores={
            road.pk: {"need": 72, "benefit": 72, "feasibility": 72},
            water.pk: {"need": 70, "benefit": 80, "feasibility": 80},
            light.pk: {"need": 60, "benefit": 60, "feasibility": 60},
        },
        actor=scorer_b,
    )
    rows = selection.ranking(round_)
    assert [(r.proposal.title, r.total, r.rank, r.tied) for r in rows] == [
        ("道路", Decimal("76.00"), 1, True),
        ("水渠", Decimal("76.00"), 1, True),
        ("路灯", Decimal("60.00"), 3, False),
    ]
    assert rows[2].sheets_counted == 1
    assert rows[2].missing == ["scorer_a未评:受益范围、实施可行性与资金匹配(不计入)"]
    # Reproducible: the same stored scores give the same ranking.
    assert [(r.proposal.pk, r.total, r.rank) for r in selection.ranking(round_)] == [
        (r.proposal.pk, r.total, r.rank) for r in rows
    ]
    shortlisted = selection.close_round(round_, actor=secretary)
    assert all(r.proposal.shortlisted for r in shortlisted)  # 5 places, 3 proposals
    with pytest.raises(ProjectError):
        selection.submit_sheet(round_, scores={road.pk: {"need": 1}}, actor=scorer_a)


def test_missing_scores_count_as_zero_where_the_county_says_so_and_the_shortlist_has_its_size(
    altproc, make_user
):
    village = OrgUnit.objects.get(code="lishu")
    secretary = make_user("village_secretary", village)
    round_ = selection.open_round(village=village, year=2026, title="征集", actor=secretary)
    first, second, third = _proposals(round_, secretary, ["甲", "乙", "丙"])
    selection.submit_sheet(
        round_,
        scores={
            first.pk: {"urgency": 10, "cost": 4},
            second.pk: {"urgency": 8},
            third.pk: {"urgency": 5, "cost": 10},
        },
        actor=secretary,
    )
    rows = selection.close_round(round_, actor=secretary)
    assert [(r.proposal.title, r.total, r.rank) for r in rows] == [
        ("甲", Decimal("80.00"), 1),
        ("丙", Decimal("66.67"), 2),
        ("乙", Decimal("53.33"), 3),
    ]
    assert "(按0分计)" in rows[2].missing[0]
    first.refresh_from_db(), second.refresh_from_db()
    assert first.shortlisted and not second.shortlisted and second.rank == 3


@pytest.mark.parametrize(
    ("scores", "message"),
    [
        ({"need": 101}, "0 到 100"),
        ({"beauty": 5}, "未知评分项"),
        ({"need": "many"}, "须为数字"),
    ],
)
def test_a_bad_sheet_is_refused_whole(village, make_user, scores, message):
    secretary = make_user("village_secretary", village)
    round_ = selection.open_round(village=village, year=2026, title="征集", actor=secretary)
    (proposal,) = _proposals(round_, secretary, ["道路"])
    with pytest.raises(ProjectError, match=message):
        selection.submit_sheet(round_, scores={proposal.pk: {"benefit": 50, **scores}}, actor=secretary)
    assert not round_.scores.exists()


def test_a_proposal_must_come_from_a_group_of_the_village_and_a_known_category(village, make_user):
    secretary = make_user("village_secretary", village)
    round_ = selection.open_round(village=village, year=2026, title="征集", actor=secretary)
    other_group = OrgUnit.objects.filter(level="group").exclude(parent=village).first()
    with pytest.raises(ProjectError):
        selection.submit_proposal(
            round_,
            group=other_group,
            title="x",
            category="infrastructure",
            location="y",
            estimated_budget=Decimal(1),
            actor=secretary,
        )
    own_group = OrgUnit.objects.filter(parent=village).first()
    with pytest.raises(ProjectError):
        selection.submit_proposal(
            round_,
            group=own_group,
            title="x",
            category="fireworks",
            location="y",
            estimated_budget=Decimal(1),
            actor=secretary,
        )
    assert not round_.proposals.exists()
