"""Append-only, hash-chained ledgers (台账) of one county, stored as transfers.

A :class:`Ledger` holds :class:`Account` rows; a :class:`Transaction` moves a positive ``amount`` from
its ``debit`` account to its ``credit`` account. One row is the whole posting — double entry holds by
construction (the two sides are one amount), as in ledgers built for throughput such as TigerBeetle —
and :class:`Entry` is a read-only view of each transaction's two sides (``-amount`` on the debit
account, ``+amount`` on the credit one) for statements and balances. Transactions are never updated
or deleted — the database refuses it (migration 0006); a mistake is corrected by a new, linked
transaction (``reverses``) with a reason.

A transaction is also the audit record of its own posting: who (``actor``), when, from where (IP and
user agent) and what are its columns, chained and immutable. The sealer copies each posting made by
a person into :class:`cunwu.audit.models.AuditEntry` in the same transaction that seals it, so the
county's audit trail lists postings with every other change.

Two kinds of account, decided once when the account is opened:

* **guarded** (``allow_negative=False``, e.g. a villager's passbook, a village's special fund): its
  cached ``balance`` is updated by the posting itself with one conditional ``UPDATE … WHERE balance >=
  amount`` — that row lock is what serialises spending from the account;
* **unguarded** (``allow_negative=True``, e.g. the source that issues points or the sink that
  receives redemptions): it may be touched by every posting of the ledger, so locking its row would
  make unrelated accounts wait for each other; its cached balance is folded in by the sealer instead.

For the same reason a transaction's accounts, ledger and actor are **not** foreign-key constraints: a
constraint check takes a ``KEY SHARE`` lock on the row it finds, and every redemption of a village
shares the sink account, its ledger and the counter's operator — one MultiXact per posting under
load. Instead the posting statement itself finds both accounts in the ledger (it writes nothing
otherwise), accounts and ledgers can never be deleted nor moved to another ledger (triggers), and the
verifier checks every transaction's accounts again. Nor are the reversed transaction and the link's
type: PostgreSQL queues an inserted row's foreign-key check for the commit whatever its value, so
even these references, empty on nearly every posting, cost each posting two trigger calls (measured
with callgrind on the server: with the redemption's own two, 4% of its work there). A reversal is
posted by :func:`cunwu.ledger.services.reverse` for a transaction that exists, transactions are
never deleted, and the verifier checks that each reversal follows the transaction it reverses in the
same chain.

Transactions are inserted unsealed and sealed into the ledger's hash chain just after commit
(``ledger_seal``, migration 0006): each gets the next ``sequence``, the previous transaction's hash
and its own (:func:`cunwu.ledger.chain.transaction_hash`). Checkpoints record the head hash so that a
later rewrite of history is visible to anyone holding a published checkpoint.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from cunwu.ledger.chain import GENESIS_HASH

MONEY = {"max_digits": 18, "decimal_places": 2}


class Ledger(models.Model):
    class Kind(models.TextChoices):
        FUNDS = "funds", _("资金")
        POINTS = "points", _("积分")

    code = models.CharField(_("代码"), max_length=80, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    org_unit = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, null=True, blank=True, related_name="ledgers"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("台账")
        verbose_name_plural = _("台账")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Account(models.Model):
    ledger = models.ForeignKey(Ledger, on_delete=models.PROTECT, related_name="accounts")
    code = models.CharField(_("代码"), max_length=80)
    name = models.CharField(_("名称"), max_length=100)
    # What the account belongs to, as "app_label.model" and its primary key (e.g. "orgs.resident", 12).
    owner_type = models.CharField(_("所有者类型"), max_length=100, blank=True)
    owner_id = models.BigIntegerField(_("所有者"), null=True, blank=True)
    allow_negative = models.BooleanField(_("允许负余额"), default=False)
    # Guarded accounts: Σ of all committed entries; unguarded ones: Σ of sealed entries. See the module doc.
    balance = models.DecimalField(_("余额(缓存)"), **MONEY, default=Decimal("0.00"))
    created_at = models.DateTimeField(_("开户时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("账户")
        verbose_name_plural = _("账户")
        ordering = ["ledger", "code"]
        constraints = [
            models.UniqueConstraint(fields=["ledger", "code"], name="ledger_account_code_unique"),
            models.CheckConstraint(
                condition=Q(balance__gte=0) | Q(allow_negative=True), name="ledger_account_not_overdrawn"
            ),
        ]
        indexes = [models.Index(fields=["owner_type", "owner_id"], name="ledger_account_owner")]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Transaction(models.Model):
    # Indexes are few on purpose: every posting pays for each. (ledger, sequence) serves the chain and
    # the sealer too (a B-tree holds NULLs: a ledger's unsealed postings are its entries with a NULL
    # sequence, found by `sequence IS NULL`), (debit, id) and (credit, id) an account's history and balance.
    ledger = models.ForeignKey(
        Ledger, on_delete=models.PROTECT, related_name="transactions", db_index=False, db_constraint=False
    )
    debit = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="debits", db_index=False, db_constraint=False
    )
    credit = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="credits", db_index=False, db_constraint=False
    )
    amount = models.DecimalField(_("金额"), **MONEY)
    memo = models.CharField(_("摘要"), max_length=200)
    # Denormalised as in the audit trail (id and display name): the record outlives the user account.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    actor_name = models.CharField(_("经办人"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("记账时间"))
    ip_address = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)
    user_agent = models.CharField(_("客户端"), max_length=300, blank=True)
    # Idempotency keys are scoped to whoever posts ("user:<id>" or "system") within the county. NULL
    # (no key) rather than "": the unique constraint must not apply to postings without a key.
    idempotency_scope = models.CharField(max_length=40)
    idempotency_key = models.CharField(_("幂等键"), max_length=200, null=True, blank=True)  # noqa: DJ001
    # sha256 of the canonical payload (chain.fingerprint): equal payloads ⇔ equal fingerprints.
    fingerprint = models.CharField(max_length=64)
    reverses = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversals",
        db_index=False,
        db_constraint=False,
    )
    reason = models.CharField(_("更正原因"), max_length=500, blank=True)
    link_type = models.ForeignKey(
        ContentType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    link_id = models.CharField(max_length=64, blank=True)
    link = GenericForeignKey("link_type", "link_id")
    # Set exactly once by the sealer (the trigger allows nothing else).
    sequence = models.BigIntegerField(_("序号"), null=True, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("交易")
        verbose_name_plural = _("交易")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["idempotency_scope", "idempotency_key"], name="ledger_transaction_idempotency"
            ),
            models.UniqueConstraint(fields=["ledger", "sequence"], name="ledger_transaction_sequence_unique"),
            # A transaction is reversed at most once; the index holds reversals only.
            models.UniqueConstraint(
                fields=["reverses"],
                condition=Q(reverses__isnull=False),
                name="ledger_transaction_reversed_once",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="ledger_transaction_amount_positive"),
            models.CheckConstraint(condition=~Q(debit=F("credit")), name="ledger_transaction_two_accounts"),
        ]
        indexes = [
            models.Index(fields=["debit", "id"], name="ledger_txn_debit"),
            models.Index(fields=["credit", "id"], name="ledger_txn_credit"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.memo}"

    @property
    def sealed(self) -> bool:
        return self.sequence is not None

    @property
    def reversed_by(self) -> Transaction | None:
        """The transaction that reversed this one, if any (at most one: a unique constraint)."""
        return self.reversals.first()


class Entry(models.Model):
    """One side of a transaction, as the view ``ledger_entry`` shows it (read-only).

    Each transaction ``t`` has two: id ``2t`` on its debit account with ``-amount`` and id ``2t + 1``
    on its credit account with ``+amount``, carrying the transaction's place in the chain. Ordering an
    account's entries by id orders them as its transactions.
    """

    ledger = models.ForeignKey(Ledger, on_delete=models.DO_NOTHING, related_name="entries")
    transaction = models.ForeignKey(Transaction, on_delete=models.DO_NOTHING, related_name="entries")
    account = models.ForeignKey(Account, on_delete=models.DO_NOTHING, related_name="entries")
    # Signed: negative on the debited account (its balance goes down), positive on the credited one.
    amount = models.DecimalField(_("金额"), **MONEY)
    sequence = models.BigIntegerField(_("序号"), null=True, blank=True)
    hash = models.CharField(max_length=64, blank=True)

    class Meta:
        managed = False
        db_table = "ledger_entry"
        verbose_name = _("分录")
        verbose_name_plural = _("分录")
        ordering = ["ledger", "sequence", "id"]

    def __str__(self) -> str:
        return f"{self.account_id} {self.amount}"

    @property
    def sealed(self) -> bool:
        return self.sequence is not None


class LedgerCheckpoint(models.Model):
    """The head of a ledger's chain at a moment; quoting it in a 公示 pins the history before it."""

    ledger = models.ForeignKey(Ledger, on_delete=models.PROTECT, related_name="checkpoints")
    sequence = models.BigIntegerField(_("序号"))
    head_hash = models.CharField(_("链头哈希"), max_length=64, default=GENESIS_HASH)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("检查点")
        verbose_name_plural = _("检查点")
        ordering = ["ledger", "-sequence", "-id"]

    def __str__(self) -> str:
        return f"{self.ledger_id}@{self.sequence}"
