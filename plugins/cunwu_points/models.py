"""Models of the 积分超市 plugin.

Points themselves live in the core ledger (one points ledger per village and year): these models hold
what the ledger does not know — the rules table and its versions, who holds which passbook, the events
that earned or cost points, the supermarket's catalogue and redemptions, and the quarterly lists.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cunwu.pii.masking import mask_name
from cunwu_points.domains import CountField, PriceField

PERIODS = [
    ("day", _("每日")),
    ("week", _("每周")),
    ("month", _("每月")),
    ("quarter", _("每季度")),
    ("year", _("每年")),
]


def new_token() -> str:
    return secrets.token_urlsafe(12)


class RuleVersion(models.Model):
    """One version of a rules table: the county's (``village`` empty) or one village's effective table.

    A change never edits rules in place: a new version with new :class:`Rule` rows is created, the old
    rows are deactivated (events keep pointing at the rule they were registered under), and the change is
    posted as a 公示.

    ``source`` and ``pack_sha256`` let a re-applied pack tell a village's own revision (修订) from the
    county's policy: the revision stands until the pack's table for the village changes.
    """

    class Source(models.TextChoices):
        PACK = "pack", _("县政策包")
        VILLAGE = "village", _("村积分制执行组修订")

    village = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    number = models.PositiveIntegerField(_("版本号"))
    table = models.JSONField(_("评分条例"))
    sha256 = models.CharField(max_length=64)
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices, default=Source.PACK)
    # The digest of the pack's effective table for the village as last applied when this version was made
    # (its own ``sha256`` for a pack version; carried over by a village revision).
    pack_sha256 = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("评分条例版本")
        verbose_name_plural = _("评分条例版本")
        ordering = ["village_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["village", "number"], name="points_unique_rule_version"),
            models.UniqueConstraint(
                fields=["number"], condition=models.Q(village=None), name="points_unique_county_version"
            ),
        ]

    def __str__(self) -> str:
        return f"v{self.number}"


class Rule(models.Model):
    """A behaviour and its points (正分 earns, 负分 costs); ``village`` set = that village's own table."""

    version = models.ForeignKey(RuleVersion, on_delete=models.PROTECT, related_name="rules")
    village = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    code = models.CharField(_("代码"), max_length=40)
    behaviour = models.CharField(_("行为"), max_length=200)
    points = models.DecimalField(_("分值"), max_digits=8, decimal_places=2)
    category = models.CharField(_("类别"), max_length=50, blank=True)
    evidence_required = models.BooleanField(_("须附照片"), default=False)
    limit_per_period = models.PositiveIntegerField(_("周期内次数上限"), null=True, blank=True)
    limit_period = models.CharField(_("周期"), max_length=10, choices=PERIODS, default="year")
    active = models.BooleanField(_("现行"), default=True)

    class Meta:
        verbose_name = _("评分条目")
        verbose_name_plural = _("评分条目")
        ordering = ["category", "-points", "code"]
        indexes = [models.Index(fields=["village", "active", "code"])]

    def __str__(self) -> str:
        return f"{self.behaviour} ({self.points:+})"

    @property
    def is_penalty(self) -> bool:
        return self.points < 0


class PointsBook(models.Model):
    """A village's points year: its ledger and the two accounts every passbook trades with.

    ``closed_at`` set = the year is over (积分不跨年): nothing is registered or redeemed in it any more,
    and everything in it stays readable.
    """

    village = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    ledger = models.OneToOneField("ledger.Ledger", on_delete=models.PROTECT, related_name="+")
    # Points are issued from here (it goes negative by the amount issued) and penalties return here.
    issuance_account = models.OneToOneField("ledger.Account", on_delete=models.PROTECT, related_name="+")
    # Redeemed points go here: the supermarket's takings.
    redemption_account = models.OneToOneField("ledger.Account", on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(_("年度结转时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("积分年度账")
        verbose_name_plural = _("积分年度账")
        ordering = ["-year", "village__path"]
        constraints = [models.UniqueConstraint(fields=["village", "year"], name="points_one_book_per_year")]

    def __str__(self) -> str:
        return f"{self.village} {self.year}"


class Passbook(models.Model):
    """积分存折: one holder's points for one year. Its ledger account holds the redeemable balance."""

    book = models.ForeignKey(PointsBook, on_delete=models.PROTECT, related_name="passbooks")
    resident = models.ForeignKey(
        "orgs.Resident", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    household = models.ForeignKey(
        "orgs.Household", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    account = models.OneToOneField("ledger.Account", on_delete=models.PROTECT, related_name="+")
    # What the QR code carries: the operator scans it to find the passbook.
    token = models.CharField(max_length=32, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("积分存折")
        verbose_name_plural = _("积分存折")
        ordering = ["book", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(resident__isnull=False, household__isnull=True)
                | models.Q(resident__isnull=True, household__isnull=False),
                name="points_passbook_one_holder",
            ),
            models.UniqueConstraint(
                fields=["book", "resident"],
                condition=models.Q(resident__isnull=False),
                name="points_one_passbook_per_resident",
            ),
            models.UniqueConstraint(
                fields=["book", "household"],
                condition=models.Q(household__isnull=False),
                name="points_one_passbook_per_household",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.holder_name} {self.book.year}"

    @property
    def holder_name(self) -> str:
        if self.resident_id:
            return self.resident.name
        head = self.household.head
        return f"{head.name}户" if head else f"{self.household.number}户"

    @property
    def holder_name_masked(self) -> str:
        if self.resident_id:
            return mask_name(self.resident.name)
        head = self.household.head
        return f"{mask_name(head.name)}户" if head else f"{self.household.number}户"


class EventBatch(models.Model):
    """A bulk entry: the same behaviour for everyone at one meeting or activity."""

    book = models.ForeignKey(PointsBook, on_delete=models.PROTECT, related_name="+")
    rule = models.ForeignKey(Rule, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("活动或会议"), max_length=200)
    occurred_on = models.DateField(_("日期"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("批量登记")
        verbose_name_plural = _("批量登记")
        ordering = ["-occurred_on", "-id"]

    def __str__(self) -> str:
        return self.title


class PointsEvent(models.Model):
    """A behaviour registered for a passbook; it moves points only once another member approves it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("已通过")
        REJECTED = "rejected", _("已驳回")

    class Source(models.TextChoices):
        REGISTRAR = "registrar", _("登记员登记")
        BULK = "bulk", _("活动批量登记")
        CLAIM = "claim", _("村民申报")

    passbook = models.ForeignKey(Passbook, on_delete=models.PROTECT, related_name="events")
    rule = models.ForeignKey(Rule, on_delete=models.PROTECT, related_name="events")
    points = models.DecimalField(_("分值"), max_digits=8, decimal_places=2)
    # What the ledger actually moved: a penalty larger than the redeemable balance only empties it.
    posted_points = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    occurred_on = models.DateField(_("发生日期"))
    note = models.TextField(_("说明"), blank=True)
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices, default=Source.REGISTRAR)
    batch = models.ForeignKey(
        EventBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    registered_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_reason = models.TextField(_("审核意见"), blank=True)
    transaction = models.ForeignKey(
        "ledger.Transaction", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("积分记录")
        verbose_name_plural = _("积分记录")
        ordering = ["-occurred_on", "-id"]
        indexes = [
            models.Index(fields=["passbook", "rule", "occurred_on"]),
            models.Index(fields=["status", "occurred_on"]),
            models.Index(fields=["registered_by", "registered_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.passbook} {self.rule.behaviour} {self.points:+}"


class Item(models.Model):
    """A good or service in a points supermarket (the shop of a village or a township-designated one)."""

    org_unit = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("名称"), max_length=100)
    description = models.CharField(_("说明"), max_length=300, blank=True)
    # Checked by domains, not CHECK constraints: the stock is updated by every redemption (domains.py).
    price = PriceField(_("所需积分"), max_digits=8, decimal_places=2)
    # None = unlimited (a service such as 管道疏通).
    stock = CountField(_("库存"), null=True, blank=True)
    limit_per_person = CountField(_("每人限兑"), null=True, blank=True)
    limit_period = models.CharField(_("限兑周期"), max_length=10, choices=PERIODS, default="month")
    active = models.BooleanField(_("本季供应"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("兑换商品")
        verbose_name_plural = _("兑换商品")
        ordering = ["org_unit__path", "price", "name"]

    def __str__(self) -> str:
        return self.name


class Redemption(models.Model):
    """One redemption at the supermarket; ``key`` is the client's idempotency key."""

    # Indexes are few on purpose: each redemption pays for every one. The passbook is served by the
    # (passbook, item, created_at) index, the key by its unique constraint (no LIKE-pattern copy).
    # Passbook, item, transaction and operator are no foreign-key constraints: a constraint check
    # takes a KEY SHARE lock on the row it finds, at the end of the statement, inside the window in
    # which the item and the passbook's account are locked; the user row is shared by every
    # redemption at a counter, the item row by every sale of it and the passbook row by every
    # redemption from it (a MultiXact per redemption under load). The redemption is written by the
    # same statement as its ledger posting, which debits the passbook's account, and as the stock
    # update, which finds the item by its key: ``transaction`` is that posting's id, and postings
    # cannot be deleted; the operator is recorded as who it was, as in the posting itself. Nor are the
    # reversal's references, though empty when the row is written: PostgreSQL queues an inserted row's
    # foreign-key checks for the commit whatever their values, two trigger calls per redemption. They
    # are set once, by the reversal, to the reversing user and the compensating posting it just made.
    key = models.CharField(max_length=100)
    passbook = models.ForeignKey(
        Passbook, on_delete=models.PROTECT, related_name="redemptions", db_index=False, db_constraint=False
    )
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="redemptions", db_constraint=False)
    quantity = CountField(_("数量"), default=1)
    points = models.DecimalField(_("积分"), max_digits=10, decimal_places=2)
    transaction = models.ForeignKey(
        "ledger.Transaction", on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    reversed_at = models.DateTimeField(null=True, blank=True)
    reversed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    reversal_reason = models.TextField(_("冲正原因"), blank=True)
    reversal_transaction = models.ForeignKey(
        "ledger.Transaction",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )

    class Meta:
        verbose_name = _("兑换记录")
        verbose_name_plural = _("兑换记录")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["key"], name="points_redemption_key_unique")]
        indexes = [models.Index(fields=["passbook", "item", "created_at"])]

    def __str__(self) -> str:
        return f"{self.item} ×{self.quantity}"

    @property
    def is_reversed(self) -> bool:
        return self.reversed_at is not None


class QuarterlyList(models.Model):
    """A quarter's red list (红榜, best positive scores) or black list (黑榜, worst negative scores)."""

    class Kind(models.TextChoices):
        RED = "red", _("红榜")
        BLACK = "black", _("黑榜")

    village = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"))
    kind = models.CharField(_("榜单"), max_length=5, choices=Kind.choices)
    size = models.PositiveSmallIntegerField(_("名额"))
    masked = models.BooleanField(_("姓名打码"), default=True)
    notice = models.ForeignKey(
        "disclosure.Notice", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    generated_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("红黑榜")
        verbose_name_plural = _("红黑榜")
        ordering = ["-year", "-quarter", "village__path", "-kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["village", "year", "quarter", "kind"], name="points_one_list_per_quarter"
            )
        ]

    def __str__(self) -> str:
        return f"{self.village} {self.year}Q{self.quarter} {self.get_kind_display()}"


class ListEntry(models.Model):
    """One line of a list; ``tied`` marks a score shared with another entry (ranks 1, 2, 2, 4)."""

    list = models.ForeignKey(QuarterlyList, on_delete=models.CASCADE, related_name="entries")
    rank = models.PositiveSmallIntegerField(_("名次"))
    passbook = models.ForeignKey(Passbook, on_delete=models.PROTECT, related_name="+")
    label = models.CharField(_("公示姓名"), max_length=60)
    score = models.DecimalField(_("本季积分"), max_digits=10, decimal_places=2)
    tied = models.BooleanField(_("并列"), default=False)

    class Meta:
        verbose_name = _("榜单条目")
        verbose_name_plural = _("榜单条目")
        ordering = ["list", "rank", "id"]

    def __str__(self) -> str:
        return f"{self.rank}. {self.label} {self.score}"


class ReportingReminder(models.Model):
    """A reminder that a report of the reporting calendar is coming due (sent once per item and year)."""

    code = models.CharField(max_length=40)
    year = models.PositiveSmallIntegerField()
    title = models.CharField(_("事项"), max_length=100)
    due_on = models.DateField(_("截止日期"))
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(_("已报送"), null=True, blank=True)

    class Meta:
        verbose_name = _("报送提醒")
        verbose_name_plural = _("报送提醒")
        ordering = ["due_on"]
        constraints = [models.UniqueConstraint(fields=["code", "year"], name="points_one_reminder_per_year")]

    def __str__(self) -> str:
        return f"{self.title} {self.due_on}"
