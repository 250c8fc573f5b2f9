"""The points supermarket: catalogue, redemption and its reversal.

A redemption is one transaction of three writes that either all happen or none does:

1. the points move in the ledger, whose own conditional debit refuses an overdraft;
2. one statement takes the stock with a conditional ``UPDATE … SET stock = stock - n WHERE stock >= n``
   (no read first, so two operators can never both sell the last item; ``points_take_stock``, a
   function so that a wait for a popular item re-checks only that update: migration 0005) and
   inserts the :class:`Redemption` row, unique on the client's key, so a retried request returns
   the first one. It comes last so that a popular item's row is locked only while the transaction
   commits.

If any step fails the transaction rolls back: no points move, no row is written, no stock is taken.

In the common case (called outside a transaction, no per-person limit) all of it is **one statement**
in its own transaction (:func:`cunwu.ledger.services.transfer_with`): the ledger's rows, the redemption
row, then the two conditional updates — stock, then balance — so the hot rows of a counter (the item,
the passbook) are locked only from the end of the statement to its commit. Whatever that statement
cannot settle alone — a refusal, a replayed key, a race for the last items — it rolls back, and the
transactional path answers.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import cache
from typing import Any

from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cunwu.audit.services import record, snapshot
from cunwu.ledger.errors import IdempotencyConflict, InsufficientBalance
from cunwu.ledger.services import reverse, transfer, transfer_with
from cunwu.orgs.models import OrgUnit
from cunwu.roles.permissions import has_role
from cunwu_points.errors import (
    InsufficientPoints,
    KeyReused,
    LimitReached,
    NotRedemptionDay,
    OutOfStock,
    PointsError,
    YearClosed,
)
from cunwu_points.models import Item, Passbook, Redemption
from cunwu_points.periods import period_bounds
from cunwu_points.policy import parameters

OPERATORS = ("supermarket_operator",)
ITEM_FIELDS = ("name", "description", "price", "stock", "limit_per_person", "limit_period", "active")


def _require_operator(actor: Any, unit: OrgUnit) -> None:
    if not has_role(actor, *OPERATORS, org_unit=unit):
        raise PointsError(_("您不是%s积分超市的管理员。") % unit.name)


def _require_counter_operator(actor: Any, unit: OrgUnit) -> None:
    """:func:`_require_operator`, remembered on the actor object for the units it was granted on.

    The counter redeems for a whole village in a row; the actor object is the request's user (or the
    caller's), so a grant is looked up once per request and unit, not once per redemption.
    """
    granted: set[int] | None = getattr(actor, "_points_operator_units", None)
    if granted is None:
        granted = set()
        actor._points_operator_units = granted
    if unit.pk not in granted:
        _require_operator(actor, unit)
        granted.add(unit.pk)


def add_item(org_unit: OrgUnit, *, actor: Any, **fields: Any) -> Item:
    """Put a good or service in the catalogue of the supermarket run by ``org_unit``."""
    _require_operator(actor, org_unit)
    unknown = set(fields) - set(ITEM_FIELDS)
    if unknown:
        raise PointsError(_("未知字段: %s") % ", ".join(sorted(unknown)))
    if Decimal(fields.get("price", 0)) <= 0:
        raise PointsError(_("所需积分必须大于 0。"))
    with transaction.atomic():
        item = Item.objects.create(org_unit=org_unit, **fields)
        record(actor=actor, action="points.item_added", target=item, after=snapshot(item))
    return item


def update_item(item: Item, *, actor: Any, **fields: Any) -> Item:
    """Change price, stock, limits or the season flag; every change is audited."""
    _require_operator(actor, item.org_unit)
    unknown = set(fields) - set(ITEM_FIELDS)
    if unknown:
        raise PointsError(_("未知字段: %s") % ", ".join(sorted(unknown)))
    if "price" in fields and Decimal(fields["price"]) <= 0:
        raise PointsError(_("所需积分必须大于 0。"))
    with transaction.atomic():
        item = Item.objects.select_for_update().get(pk=item.pk)
        before = snapshot(item)
        for name, value in fields.items():
            setattr(item, name, value)
        item.save(update_fields=list(fields))
        record(actor=actor, action="points.item_changed", target=item, before=before, after=snapshot(item))
    return item


def check_redemption_day(day: dt.date | None = None) -> None:
    """Refuse outside the policy's redemption days, saying when the next one is.

    Today is the county's day, in its time zone (the site's), whatever zone a request may have activated.
    """
    day = day or timezone.localdate(timezone=timezone.get_default_timezone())
    schedule = parameters().redemption
    if schedule.is_redemption_day(day):
        return
    following = schedule.next_redemption_day(day)
    when = date_format(following, "Y年n月j日") if following else _("另行通知")
    raise NotRedemptionDay(_("今天不是积分兑换日, 下一个兑换日: %s。") % when)


def _same_request(existing: Redemption, passbook: Passbook, item: Item, quantity: int) -> Redemption:
    if (existing.passbook_id, existing.item_id, existing.quantity) != (passbook.pk, item.pk, quantity):
        raise KeyReused(_("该请求编号已用于另一笔兑换。"))
    return existing


def _check_person_limit(passbook: Passbook, item: Item, quantity: int) -> None:
    if item.limit_per_person is None:
        return
    # Serialise this passbook's redemptions so two counters cannot both pass the per-person limit.
    Passbook.objects.select_for_update().filter(pk=passbook.pk).first()
    start, end = period_bounds(timezone.localdate(), item.limit_period)
    taken = Redemption.objects.filter(
        passbook=passbook,
        item=item,
        reversed_at__isnull=True,
        created_at__date__gte=start,
        created_at__date__lt=end,
    ).aggregate(n=Sum("quantity", default=0))["n"]
    if taken + quantity > item.limit_per_person:
        raise LimitReached(
            _("“%(item)s”每人%(period)s限兑%(limit)s件, 已兑%(taken)s件。")
            % {
                "item": item.name,
                "period": item.get_limit_period_display(),
                "limit": item.limit_per_person,
                "taken": taken,
            }
        )


_TAKE_STOCK_AND_RECORD = """
INSERT INTO {redemption} (key, passbook_id, item_id, quantity, points, transaction_id, operator_id,
                          created_at, reversal_reason)
SELECT %(key)s, %(passbook)s, %(item)s, %(quantity)s, %(points)s, %(transaction)s, %(operator)s, %(now)s, ''
WHERE points_take_stock(%(item)s, %(quantity)s)
RETURNING id
"""


def _take_stock_and_record(**values: Any) -> int | None:
    """Take the stock and write the redemption in one statement; ``None`` when the stock is short.

    One round trip instead of two on the hot path; the row is built in Python from what was written.
    """
    sql = _TAKE_STOCK_AND_RECORD.format(redemption=Redemption._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        row = cursor.fetchone()
    return row[0] if row else None


_FOLLOW_POSTING = """
recorded AS (
    INSERT INTO {redemption} (key, passbook_id, item_id, quantity, points, transaction_id, operator_id,
                              created_at, reversal_reason)
    SELECT %(r_key)s::text, %(r_passbook)s::bigint, %(r_item)s::bigint, %(r_quantity)s::integer,
           %(amount)s::numeric, t.id, %(actor_id)s::bigint, %(created_at)s::timestamptz, ''
    FROM t
    RETURNING id
),
follow AS MATERIALIZED (
    SELECT id FROM recorded WHERE points_take_stock(%(r_item)s::bigint, %(r_quantity)s::integer)
)"""


@cache
def _follow_posting() -> str:
    return _FOLLOW_POSTING.format(redemption=Redemption._meta.db_table)


_REDEMPTION_FIELDS = [field.attname for field in Redemption._meta.concrete_fields]
_REDEMPTION_ITEM = Redemption._meta.get_field("item")


def _redeem_in_one_statement(
    passbook: Passbook, item: Item, quantity: int, points: Decimal, key: str, memo: str, actor: Any
) -> Redemption | None:
    """The whole redemption as one statement; ``None`` when it wrote nothing (see the module docstring).

    The redemption is built from what was written, as a row read back would be (``from_db``), and
    carries the item the caller holds, cached as ``select_related`` caches it (assigning it would
    check the relation through the database routers); its transaction is loaded only if asked for.
    """
    passbook_id, item_id = passbook.pk, item.pk
    done = transfer_with(
        debit=passbook.account,
        credit=passbook.book.redemption_account,
        amount=points,
        memo=memo,
        actor=actor,
        idempotency_key=f"points-redeem:{key}",
        follow=_follow_posting(),
        follow_params={
            "r_key": key,
            "r_passbook": passbook_id,
            "r_item": item_id,
            "r_quantity": quantity,
        },
    )
    if done is None:
        return None
    written = {
        "id": done.follow_id,
        "key": key,
        "passbook_id": passbook_id,
        "item_id": item_id,
        "quantity": quantity,
        "points": points,
        "transaction_id": done.transaction_id,
        "operator_id": actor.pk,
        "created_at": done.created_at,
        "reversed_at": None,
        "reversed_by_id": None,
        "reversal_reason": "",
        "reversal_transaction_id": None,
    }
    redemption = Redemption.from_db(
        DEFAULT_DB_ALIAS, _REDEMPTION_FIELDS, [written[f] for f in _REDEMPTION_FIELDS]
    )
    _REDEMPTION_ITEM.set_cached_value(redemption, item)
    return redemption


def redeem(passbook: Passbook, item: Item, *, quantity: int = 1, key: str, actor: Any) -> Redemption:
    """Redeem ``quantity`` of ``item`` with the passbook's redeemable points; idempotent on ``key``.

    Round trips are counted here, as this runs at the supermarket counter for a whole village at once.
    Commonly one: the statement of :func:`_redeem_in_one_statement` (the role check is remembered per
    actor object). Otherwise, in a transaction: a per-person limit check, the ledger's posting and its
    audit row (which is this redemption's audit row: same transaction, same actor, its memo names the
    item), one statement that takes the stock and writes the :class:`Redemption`, and the commit. A
    repeated ``key`` is answered from the row the first request wrote.
    """
    if quantity < 1:
        raise PointsError(_("数量至少为 1。"))
    book = passbook.book
    if book.closed_at is not None:
        raise YearClosed(_("%s年度积分已结转, 不能再兑换。") % book.year)
    if not item.active:
        raise OutOfStock(_("“%s”本季不供应。") % item.name)
    shop = item.org_unit.path
    if book.village.path != shop and not book.village.path.startswith(shop + "/"):
        raise PointsError(
            _("“%(item)s”不在%(village)s可兑换的超市中。") % {"item": item.name, "village": book.village.name}
        )
    _require_counter_operator(actor, item.org_unit)
    check_redemption_day()
    points = item.price * quantity
    # The ledger's record, in the county's words like a points event's memo (its rule's behaviour),
    # whatever language the operator's screen is in: the villager reads it on the passbook.
    memo = f"兑换 {item.name} ×{quantity} ({key})"
    if item.limit_per_person is None:
        redemption = _redeem_in_one_statement(passbook, item, quantity, points, key, memo, actor)
        if redemption is not None:
            return redemption
    try:
        with transaction.atomic():
            _check_person_limit(passbook, item, quantity)
            try:
                posted = transfer(
                    debit=passbook.account,
                    credit=book.redemption_account,
                    amount=points,
                    memo=memo,
                    actor=actor,
                    idempotency_key=f"points-redeem:{key}",
                )
            except InsufficientBalance as exc:
                raise InsufficientPoints(
                    _("可兑换积分不足: 需要 %(need)s 分。") % {"need": points.normalize()}
                ) from exc
            except IdempotencyConflict as exc:
                raise KeyReused(_("该请求编号已用于另一笔兑换。")) from exc
            now = timezone.now()
            redemption_id = _take_stock_and_record(
                key=key,
                passbook=passbook.pk,
                item=item.pk,
                quantity=quantity,
                points=points,
                transaction=posted.pk,
                operator=actor.pk,
                now=now,
            )
            if redemption_id is None:
                raise OutOfStock(_("“%s”库存不足。") % item.name)
    except IntegrityError:
        # The key was used before (or by a concurrent request): answer as the first one did.
        existing = Redemption.objects.filter(key=key).first()
        if existing is None:
            raise
        return _same_request(existing, passbook, item, quantity)
    return Redemption(
        pk=redemption_id,
        key=key,
        passbook=passbook,
        item=item,
        quantity=quantity,
        points=points,
        transaction=posted,
        operator=actor,
        created_at=now,
    )


def reverse_redemption(redemption: Redemption, *, reason: str, actor: Any) -> Redemption:
    """Undo a redemption with a compensating ledger entry; the points and the stock come back."""
    if not reason.strip():
        raise PointsError(_("冲正须填写原因。"))
    with transaction.atomic():
        redemption = (
            Redemption.objects.select_for_update().select_related("item", "transaction").get(pk=redemption.pk)
        )
        _require_operator(actor, redemption.item.org_unit)
        if redemption.is_reversed:
            raise PointsError(_("该兑换已冲正。"))
        before = snapshot(redemption)
        redemption.reversal_transaction = reverse(
            redemption.transaction,
            reason=reason,
            actor=actor,
            idempotency_key=f"points-redeem-reversal:{redemption.pk}",
        )
        Item.objects.filter(pk=redemption.item_id, stock__isnull=False).update(
            stock=F("stock") + redemption.quantity
        )
        redemption.reversed_at, redemption.reversed_by, redemption.reversal_reason = (
            timezone.now(),
            actor,
            reason.strip(),
        )
        redemption.save(
            update_fields=["reversal_transaction", "reversed_at", "reversed_by", "reversal_reason"]
        )
        record(
            actor=actor,
            action="points.redemption_reversed",
            target=redemption,
            before=before,
            after=snapshot(redemption),
            reason=reason,
        )
    return redemption


def catalogue_for(village: OrgUnit):
    """Items offered to a village's passbooks now: its own shop's and those of units above it."""
    return Item.objects.filter(active=True, org_unit__in=village.ancestors_and_self())
