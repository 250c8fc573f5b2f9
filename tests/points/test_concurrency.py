"""Many redemptions at once over real connections: no overdraft, no oversell, exact acceptance.

Each thread has its own database connection (Django connections are per thread) switched to a county
whose data is committed, so the row locks and conditional updates are those of production.
"""

from __future__ import annotations

import threading
from collections import Counter
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from cunwu.ledger.services import balance
from cunwu.orgs.models import OrgUnit
from cunwu_points.errors import InsufficientPoints, OutOfStock
from cunwu_points.models import Item, Passbook, Redemption
from cunwu_points.services import supermarket
from cunwu_points.services.passbooks import figures, passbook_for


def _hammer(county, passbook_pk: int, item_pk: int, operator, keys: list[str]) -> Counter:
    outcomes: Counter = Counter()
    lock = threading.Lock()
    start = threading.Barrier(len(keys))

    def worker(key: str) -> None:
        from django.db import connection as own

        own.set_tenant(county)
        try:
            passbook = Passbook.objects.select_related("book__village", "account").get(pk=passbook_pk)
            item = Item.objects.select_related("org_unit").get(pk=item_pk)
            start.wait()
            try:
                supermarket.redeem(passbook, item, key=key, actor=operator)
                result = "ok"
            except InsufficientPoints:
                result = "no points"
            except OutOfStock:
                result = "no stock"
            with lock:
                outcomes[result] += 1
        finally:
            own.close()

    threads = [threading.Thread(target=worker, args=(key,)) for key in keys]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def _setup(make_user, stock: int | None, price: str, awards: int):
    from cunwu.orgs.models import Resident
    from cunwu_points.services import events, rules

    village = OrgUnit.objects.get(code="hongyang")
    registrar = make_user("points_registrar", village)
    reviewer = make_user("points_reviewer", village)
    operator = make_user("supermarket_operator", village)
    group = OrgUnit.objects.filter(parent=village).first()
    person = Resident.objects.create(name="并发测试", group=group)
    rule = rules.rule_for(village, "volunteer")  # +5 each
    for _ in range(awards):
        events.approve(
            events.register(person, rule, occurred_on=timezone.localdate(), actor=registrar), actor=reviewer
        )
    item = supermarket.add_item(village, actor=operator, name="大米", price=Decimal(price), stock=stock)
    return passbook_for(person, timezone.localdate().year), item, operator


def test_parallel_redemptions_are_limited_exactly_by_stock(committed_points_county, make_user):
    passbook, item, operator = _setup(make_user, stock=6, price="3", awards=20)  # 100 points → 33 by balance
    outcomes = _hammer(committed_points_county, passbook.pk, item.pk, operator, [f"s{i}" for i in range(16)])
    connection.set_tenant(committed_points_county)
    assert outcomes == Counter({"ok": 6, "no stock": 10})
    item.refresh_from_db()
    assert item.stock == 0
    assert balance(passbook.account) == Decimal("82")
    assert Redemption.objects.filter(passbook=passbook).count() == 6


def test_parallel_redemptions_are_limited_exactly_by_the_balance(committed_points_county, make_user):
    passbook, item, operator = _setup(make_user, stock=100, price="7", awards=4)  # 20 points → 2 redemptions
    outcomes = _hammer(committed_points_county, passbook.pk, item.pk, operator, [f"b{i}" for i in range(12)])
    connection.set_tenant(committed_points_county)
    assert outcomes == Counter({"ok": 2, "no points": 10})
    item.refresh_from_db()
    assert item.stock == 98  # refused redemptions gave their stock back
    result = figures(passbook)
    assert (result.cumulative, result.redeemable) == (Decimal("20"), Decimal("6"))


def test_parallel_retries_of_one_key_redeem_once(committed_points_county, make_user):
    passbook, item, operator = _setup(make_user, stock=10, price="1", awards=2)
    outcomes = _hammer(committed_points_county, passbook.pk, item.pk, operator, ["same-key"] * 8)
    connection.set_tenant(committed_points_county)
    assert outcomes == Counter({"ok": 8})  # every retry answers with the first redemption
    assert Redemption.objects.filter(key="same-key").count() == 1
    item.refresh_from_db()
    assert item.stock == 9 and balance(passbook.account) == Decimal("9")
