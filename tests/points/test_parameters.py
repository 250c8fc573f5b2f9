"""The points parameters: a bad table is refused naming the key; the redemption calendar follows policy."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pydantic import ValidationError

from cunwu.policy.packs import PackRefused, load_pack, validate_pack
from cunwu_points.parameters import PointsParameters, RedemptionSchedule

REPO = Path(__file__).resolve().parents[2]
PACK = (Path(__file__).parent / "pack.toml").read_text(encoding="utf-8")


def test_the_changjiang_pack_validates_with_the_seed_calendar_and_pilot_villages():
    validated = load_pack(REPO / "tenants" / "changjiang.toml")
    assert validated.enabled_plugins == ["points"]
    villages = [v.name for t in validated.pack.townships for v in t.villages]
    assert villages == ["红阳村", "山竹沟村"]
    params = PointsParameters.model_validate(validated.plugin_parameters["points"])
    assert [item.due for item in params.reporting_calendar] == ["05-15", "06-30", "09-30", "12-31"]
    assert params.list_size == 10
    assert any(rule.points < 0 for rule in params.rules) and any(rule.points > 0 for rule in params.rules)


@pytest.mark.parametrize(
    ("mutation", "path"),
    [
        (('code = "volunteer"', 'code = "meeting"'), "plugins.points.rules"),
        (("points = 5", "points = 0"), "plugins.points.rules[1].points"),
        (("list_size = 3", "list_sise = 3"), "plugins.points.list_sise"),
        (('passbook_holder = "resident"', 'passbook_holder = "family"'), "plugins.points.passbook_holder"),
    ],
)
def test_a_bad_points_table_refuses_the_pack_naming_the_key(mutation, path):
    with pytest.raises(PackRefused) as refused:
        validate_pack(PACK.replace(*mutation))
    assert path in [problem.path for problem in refused.value.problems]


def test_redemption_is_monthly_during_the_pilot_then_on_the_configured_days():
    schedule = RedemptionSchedule(
        pilot_start=dt.date(2026, 3, 1), pilot_months=3, pilot_day=28, days_of_month=[15], months=[6, 9, 12]
    )
    open_days = [
        d
        for d in (dt.date(2026, m, day) for m in range(1, 13) for day in (15, 28))
        if schedule.is_redemption_day(d)
    ]
    assert open_days == [
        dt.date(2026, 3, 28),
        dt.date(2026, 4, 28),
        dt.date(2026, 5, 28),
        dt.date(2026, 6, 15),
        dt.date(2026, 9, 15),
        dt.date(2026, 12, 15),
    ]
    assert schedule.next_redemption_day(dt.date(2026, 6, 16)) == dt.date(2026, 9, 15)


def test_a_day_past_the_month_end_means_the_last_day():
    schedule = RedemptionSchedule(days_of_month=[31])
    assert schedule.is_redemption_day(dt.date(2026, 2, 28))
    assert not schedule.is_redemption_day(dt.date(2026, 3, 30))


def test_village_overrides_are_one_per_village():
    with pytest.raises(ValidationError):
        PointsParameters.model_validate({"village_overrides": [{"village": "a"}, {"village": "a"}]})


def test_the_changjiang_pack_onboards_with_its_rules_and_village_override(public_schema):
    from django_tenants.utils import schema_context

    from cunwu.tenancy.onboarding import onboard
    from cunwu_points.models import Rule

    source = (REPO / "tenants" / "changjiang.toml").read_text(encoding="utf-8")
    county = onboard(validate_pack(source.replace("changjiang", "cjtest")), actor="tests").county
    with schema_context(county.schema_name):
        hongyang = set(
            Rule.objects.filter(village__code="hongyang", active=True).values_list("code", flat=True)
        )
        shanzhu = set(
            Rule.objects.filter(village__code="shanzhugou", active=True).values_list("code", flat=True)
        )
    assert "forest-patrol" in shanzhu and "forest-patrol" not in hongyang
    assert len(hongyang) == 13
