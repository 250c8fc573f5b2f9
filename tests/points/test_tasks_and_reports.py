"""Scheduled work (lists, year close, reminders) called as plain functions, and the report figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from cunwu.ledger.services import balance
from cunwu.orgs.models import OrgUnit
from cunwu.plugins.host import hooks_for
from cunwu_points import reports
from cunwu_points.models import Passbook, PointsBook, QuarterlyList, ReportingReminder
from cunwu_points.periods import quarter_of
from cunwu_points.services import supermarket
from cunwu_points.services.passbooks import passbook_for
from cunwu_points.services.years import close_due_years
from cunwu_points.tasks import publish_lists_for_previous_quarter, send_reporting_reminders


def test_the_quarterly_task_publishes_every_village_once(hongyang, make_resident, staff, earn):
    registrar, reviewer, _operator = staff(hongyang)
    earn(make_resident(hongyang, "张三"), hongyang, registrar, reviewer, "volunteer", 1)
    today = timezone.localdate()
    next_quarter_day = dt.date(today.year + (today.month > 9), (3 * quarter_of(today)) % 12 + 1, 2)
    assert (
        publish_lists_for_previous_quarter(next_quarter_day)
        == OrgUnit.objects.filter(level="village").count()
    )
    publish_lists_for_previous_quarter(next_quarter_day)
    lists = QuarterlyList.objects.filter(year=today.year, quarter=quarter_of(today))
    assert lists.count() == 2 * OrgUnit.objects.filter(level="village").count()
    red = lists.get(village=hongyang, kind="red")
    assert [e.label for e in red.entries.all()] == ["张*"] and red.notice is not None


def test_the_year_close_task_closes_only_past_years(hongyang, make_resident, staff, earn):
    registrar, reviewer, _operator = staff(hongyang)
    person = make_resident(hongyang, "李四")
    earn(person, hongyang, registrar, reviewer, "volunteer", 1)
    year = timezone.localdate().year
    assert close_due_years(dt.date(year, 12, 31)) == []
    assert close_due_years(dt.date(year + 1, 1, 1)) == [year]
    assert close_due_years(dt.date(year + 1, 1, 1)) == []  # idempotent
    assert PointsBook.objects.filter(year=year, closed_at__isnull=True).count() == 0
    assert PointsBook.objects.filter(year=year + 1, village=hongyang).exists()


def test_reporting_reminders_come_once_inside_the_window(points_county):
    year = timezone.localdate().year
    made = send_reporting_reminders(dt.date(year, 5, 5))  # plan due 05-15, 14 days before
    assert [r.code for r in made] == ["plan"]
    assert send_reporting_reminders(dt.date(year, 5, 6)) == []
    assert send_reporting_reminders(dt.date(year, 7, 20)) == []
    assert ReportingReminder.objects.get(code="plan", year=year).due_on == dt.date(year, 5, 15)


def test_outstanding_equals_the_passbooks_balances_and_participation_is_counted(
    hongyang, make_resident, staff, earn, points_county
):
    registrar, reviewer, operator = staff(hongyang)
    people = [make_resident(hongyang, name) for name in ("甲", "乙", "丙", "丁")]
    earn(people[0], hongyang, registrar, reviewer, "volunteer", 2)  # +10
    earn(people[1], hongyang, registrar, reviewer, "volunteer", 1)  # +5
    earn(people[1], hongyang, registrar, reviewer, "litter", 1)  # -3
    year = timezone.localdate().year
    item = supermarket.add_item(hongyang, actor=operator, name="肥皂", price=Decimal("4"))
    supermarket.redeem(passbook_for(people[0], year), item, key="r1", actor=operator)
    [figures] = reports.village_figures([hongyang], year)
    balances = sum(
        balance(p.account) for p in Passbook.objects.filter(book__village=hongyang, book__year=year)
    )
    assert (figures.issued, figures.penalties, figures.redeemed) == (Decimal(15), Decimal(-3), Decimal(4))
    assert figures.outstanding == balances == Decimal(8)
    assert figures.participants == 2 and figures.eligible >= 4
    metrics = {}
    for answer in hooks_for(points_county).cunwu_province_metrics(county=points_county, year=year):
        metrics.update(answer)
    assert Decimal(metrics["points_issued"]) >= Decimal(15)


def test_onboarding_again_changes_no_rules(points_county):
    from cunwu_points.models import RuleVersion
    from cunwu_points.parameters import PointsParameters
    from cunwu_points.policy import parameters
    from cunwu_points.services.rules import apply_parameters

    before = RuleVersion.objects.count()
    assert (
        apply_parameters(PointsParameters.model_validate(parameters().model_dump(mode="json")), actor="tests")
        == []
    )
    assert RuleVersion.objects.count() == before


def test_the_api_appears_in_the_openapi_schema(points_county, host_client, make_user):
    client = host_client(points_county)
    client.force_login(make_user("county_admin"))
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    text = schema.content.decode()
    assert "/api/points/redemptions/" in text and "/api/points/events/{id}/approve/" in text
