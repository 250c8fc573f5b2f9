"""The rules on the item's and the redemption's numbers hold in the database, whoever writes the row.

They are domains rather than CHECK constraints (``cunwu_points/domains.py``); a write that breaks one
is refused by PostgreSQL and changes nothing, as a CHECK would refuse it.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from cunwu_points.models import Item, Redemption


@pytest.fixture
def item(hongyang):
    return Item.objects.create(
        org_unit=hongyang, name="肥皂", price=Decimal("2.50"), stock=3, limit_per_person=2
    )


@pytest.mark.parametrize(
    "change",
    [{"stock": -1}, {"limit_per_person": -1}, {"price": Decimal("0")}, {"price": Decimal("-1")}],
    ids=["stock", "limit", "zero price", "negative price"],
)
def test_a_write_that_breaks_a_rule_is_refused(item, change):
    with pytest.raises(IntegrityError), transaction.atomic():
        Item.objects.filter(pk=item.pk).update(**change)
    item.refresh_from_db()
    assert (item.price, item.stock, item.limit_per_person) == (Decimal("2.50"), 3, 2)


def test_the_stock_may_run_out_or_be_unlimited(item):
    Item.objects.filter(pk=item.pk).update(stock=0)
    assert Item.objects.get(pk=item.pk).stock == 0
    Item.objects.filter(pk=item.pk).update(stock=None, limit_per_person=None)
    item.refresh_from_db()
    assert (item.stock, item.limit_per_person) == (None, None)


def test_a_redemption_of_a_negative_quantity_is_refused(item):
    row = {"passbook_id": 1, "transaction_id": 1, "operator_id": 1, "points": Decimal("1")}  # no FKs
    with pytest.raises(IntegrityError), transaction.atomic():
        Redemption.objects.create(key="minus-one", item=item, quantity=-1, **row)
    assert not Redemption.objects.filter(key="minus-one").exists()
