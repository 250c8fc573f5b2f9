"""The passbook's two figures, the supermarket, reversal and the yearly cycle."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from cunwu.ledger.services import balance
from cunwu.orgs.models import OrgUnit
from cunwu_points.errors import (
    InsufficientPoints,
    KeyReused,
    LimitReached,
    NotRedemptionDay,
    OutOfStock,
    YearClosed,
)
from cunwu_points.models import PointsBook
from cunwu_points.services import events, rules, supermarket
from cunwu_points.services.passbooks import figures, passbook_for
from cunwu_points.services.years import close_due_years, close_year


@pytest.fixture
def shop(hongyang, staff):
    registrar, reviewer, operator = staff(hongyang)
    soap = supermarket.add_item(hongyang, actor=operator, name="洗衣粉", price=Decimal("4"), stock=2)
    return registrar, reviewer, operator, soap


def test_redeeming_lowers_the_redeemable_balance_and_not_the_cumulative_score(
    hongyang, make_resident, shop, earn
):
    registrar, reviewer, operator, soap = shop
    person = make_resident(hongyang, "张三")
    earn(person, hongyang, registrar, reviewer, "volunteer", 2)  # 10 points
    passbook = passbook_for(person, timezone.localdate().year)
    supermarket.redeem(passbook, soap, key="k-1", actor=operator)
    after = figures(passbook)
    assert (after.cumulative, after.redeemable) == (Decimal("10"), Decimal("6"))
    soap.refresh_from_db()
    assert soap.stock == 1


def test_a_retried_request_with_the_same_key_redeems_once(hongyang, make_resident, shop, earn):
    registrar, reviewer, operator, soap = shop
    person = make_resident(hongyang, "李四")
    earn(person, hongyang, registrar, reviewer, "volunteer", 2)
    passbook = passbook_for(person, timezone.localdate().year)
    first = supermarket.redeem(passbook, soap, key="same", actor=operator)
    again = supermarket.redeem(passbook, soap, key="same", actor=operator)
    assert first.pk == again.pk and figures(passbook).redeemable == Decimal("6")
    with pytest.raises(KeyReused):
        supermarket.redeem(passbook, soap, quantity=2, key="same", actor=operator)


def test_refusals_change_nothing(hongyang, make_resident, shop, earn):
    registrar, reviewer, operator, soap = shop
    person = make_resident(hongyang, "王五")
    earn(person, hongyang, registrar, reviewer, "volunteer", 1)  # 5 points
    passbook = passbook_for(person, timezone.localdate().year)
    with pytest.raises(InsufficientPoints):
        supermarket.redeem(passbook, soap, quantity=2, key="too-much", actor=operator)
    soap.refresh_from_db()
    assert soap.stock == 2 and figures(passbook).redeemable == Decimal("5")
    earn(person, hongyang, registrar, reviewer, "volunteer", 2)  # 15 points
    with pytest.raises(OutOfStock):
        supermarket.redeem(passbook, soap, quantity=3, key="no-stock", actor=operator)
    assert figures(passbook).redeemable == Decimal("15")


def test_per_person_limit(hongyang, make_resident, shop, earn):
    registrar, reviewer, operator, _soap = shop
    haircut = supermarket.add_item(
        hongyang, actor=operator, name="理发", price=Decimal("2"), limit_per_person=1, limit_period="month"
    )
    person = make_resident(hongyang, "赵六")
    earn(person, hongyang, registrar, reviewer, "volunteer", 1)
    passbook = passbook_for(person, timezone.localdate().year)
    supermarket.redeem(passbook, haircut, key="cut-1", actor=operator)
    with pytest.raises(LimitReached):
        supermarket.redeem(passbook, haircut, key="cut-2", actor=operator)


def test_outside_redemption_days_the_operator_is_told_the_next_day(
    hongyang, make_resident, shop, earn, with_parameters
):
    registrar, reviewer, operator, soap = shop
    person = make_resident(hongyang, "钱七")
    earn(person, hongyang, registrar, reviewer, "volunteer", 1)
    today = timezone.localdate()
    other_day = 1 if today.day != 1 else 2
    with_parameters(redemption={"days_of_month": [other_day], "months": []})
    with pytest.raises(NotRedemptionDay) as refused:
        supermarket.redeem(passbook_for(person, today.year), soap, key="closed-day", actor=operator)
    assert "下一个兑换日" in str(refused.value) and f"{other_day}日" in str(refused.value)


def test_a_reversal_is_a_compensating_entry_that_restores_points_and_stock(
    hongyang, make_resident, shop, earn
):
    registrar, reviewer, operator, soap = shop
    person = make_resident(hongyang, "孙八")
    earn(person, hongyang, registrar, reviewer, "volunteer", 1)
    passbook = passbook_for(person, timezone.localdate().year)
    redemption = supermarket.redeem(passbook, soap, key="rev", actor=operator)
    supermarket.reverse_redemption(redemption, reason="商品破损, 退回", actor=operator)
    soap.refresh_from_db()
    redemption.refresh_from_db()
    assert soap.stock == 2 and redemption.is_reversed and redemption.reversal_transaction_id
    assert figures(passbook).redeemable == Decimal("5")


def test_after_the_year_closes_both_figures_start_at_zero_and_the_old_year_is_intact(
    hongyang, make_resident, shop, earn
):
    registrar, reviewer, operator, soap = shop
    person = make_resident(hongyang, "周九")
    earn(person, hongyang, registrar, reviewer, "volunteer", 2)
    year = timezone.localdate().year
    old = passbook_for(person, year)
    supermarket.redeem(old, soap, key="before-close", actor=operator)
    before = figures(old)
    assert close_due_years(timezone.localdate()) == []  # not due yet
    assert close_year(year, actor=reviewer) >= 1
    new = passbook_for(person, year + 1)
    assert (figures(new).cumulative, figures(new).redeemable) == (0, 0)
    old.refresh_from_db()
    assert figures(old) == before and balance(old.account) == Decimal("6")
    assert PointsBook.objects.get(village=hongyang, year=year).closed_at is not None
    with pytest.raises(YearClosed):
        supermarket.redeem(old, soap, key="after-close", actor=operator)
    with pytest.raises(YearClosed):
        events.register(
            person, rules.rule_for(hongyang, "volunteer"), occurred_on=timezone.localdate(), actor=registrar
        )
    assert OrgUnit.objects.filter(level="village").count() == PointsBook.objects.filter(year=year + 1).count()
