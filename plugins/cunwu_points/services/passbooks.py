"""Points years and passbooks: each village's yearly ledger and each holder's account in it.

A passbook's two figures (兑换后积分不清零但不再有兑换权) come from different places on purpose:

* the **cumulative score** of the year is the sum of its approved events (awards minus penalties):
  redemptions never lower it, so rankings and honours count every point earned;
* the **redeemable balance** is the ledger balance of the passbook's account: redemptions lower it,
  and it can never go below zero (the ledger refuses).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from cunwu.ledger.services import balance, open_account, open_ledger
from cunwu.orgs.models import Household, OrgUnit, Resident
from cunwu_points.errors import PointsError, YearClosed
from cunwu_points.models import Passbook, PointsBook, PointsEvent
from cunwu_points.policy import parameters

ZERO = Decimal("0")
Holder = Resident | Household


def book_for(village: OrgUnit, year: int) -> PointsBook:
    """The village's points year, opened (with its ledger and accounts) on first use."""
    book = PointsBook.objects.filter(village=village, year=year).first()
    if book is not None:
        return book
    if PointsBook.objects.filter(year=year, closed_at__isnull=False).exists():
        raise YearClosed(_("%s年度积分已结转, 不能再登记或兑换。") % year)
    ledger = open_ledger(
        code=f"points:{village.path}:{year}",
        name=_("%(village)s%(year)s年度积分") % {"village": village.name, "year": year},
        kind="points",
        org_unit=village,
    )
    try:
        with transaction.atomic():
            return PointsBook.objects.create(
                village=village,
                year=year,
                ledger=ledger,
                issuance_account=open_account(
                    ledger, code="issuance", name=_("积分发放"), allow_negative=True
                ),
                redemption_account=open_account(
                    ledger, code="redeemed", name=_("积分超市兑换"), allow_negative=True
                ),
            )
    except IntegrityError:  # opened at the same moment by another request
        return PointsBook.objects.get(village=village, year=year)


def holder_for(person: Holder) -> Holder:
    """Who holds the passbook for ``person`` under the county's policy (the resident or their household)."""
    if parameters().passbook_holder == "household" and isinstance(person, Resident):
        if person.household_id is None:
            raise PointsError(_("%s未登记户籍, 本县积分以户为单位记录。") % person.name)
        return person.household
    return person


def village_of(holder: Holder) -> OrgUnit:
    village = holder.group.village
    if village is None:
        raise PointsError(_("%s不属于任何村。") % holder)
    return village


def passbook_for(person: Holder, year: int) -> Passbook:
    """The holder's passbook for ``year``, opened on first use (a new year starts from zero)."""
    holder = holder_for(person)
    field = "resident" if isinstance(holder, Resident) else "household"
    book = book_for(village_of(holder), year)
    found = Passbook.objects.filter(book=book, **{field: holder}).select_related("book", "account").first()
    if found is not None:
        return found
    account = open_account(
        book.ledger, code=f"passbook:{field}:{holder.pk}", name=_("积分存折 %s") % holder, owner=holder
    )
    try:
        with transaction.atomic():
            return Passbook.objects.create(book=book, account=account, **{field: holder})
    except IntegrityError:
        return Passbook.objects.select_related("book", "account").get(book=book, **{field: holder})


@dataclass(frozen=True)
class Figures:
    """The passbook's figures for its year."""

    awarded: Decimal
    penalties: Decimal
    redeemable: Decimal

    @property
    def cumulative(self) -> Decimal:
        """累计积分: awards minus penalties; what rankings and honours use. Redeeming never lowers it."""
        return self.awarded + self.penalties


def figures(passbook: Passbook) -> Figures:
    approved = PointsEvent.objects.filter(passbook=passbook, status=PointsEvent.Status.APPROVED)
    sums = approved.aggregate(
        awarded=Sum("points", filter=Q(points__gt=0), default=ZERO),
        penalties=Sum("points", filter=Q(points__lt=0), default=ZERO),
    )
    return Figures(sums["awarded"], sums["penalties"], balance(passbook.account))
