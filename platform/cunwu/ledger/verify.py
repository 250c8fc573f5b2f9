"""Independent verification of a ledger: the hash chain, fingerprints, accounts, checkpoints, balances.

The chain is recomputed in Python from the stored columns (the sealer computes it in SQL), so a bug or
a forgery on one side shows up on the other. The report names the first bad transaction in chain
order.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection
from django.utils.translation import gettext as _

from cunwu.ledger import chain
from cunwu.ledger.models import Ledger, Transaction
from cunwu.ledger.services import seal

CHAIN_FIELDS = (
    "id",
    "sequence",
    "prev_hash",
    "hash",
    "debit_id",
    "credit_id",
    "amount",
    "fingerprint",
    "actor_id",
    "created_at",
    "memo",
    "reverses_id",
    "reason",
    "link_type__app_label",
    "link_type__model",
    "link_id",
)


@dataclass
class VerificationReport:
    ok: bool
    first_bad_transaction_id: int | None = None
    reason: str = ""
    first_bad_sequence: int | None = None
    transactions_checked: int = 0
    head_sequence: int = 0
    head_hash: str = chain.GENESIS_HASH
    checkpoints_checked: int = 0
    balance_mismatches: list[dict] = field(default_factory=list)


def _problem(
    ledger: Ledger, accounts: set[int], chained: set[int], expected_sequence: int, prev_hash: str, row: dict
) -> str:
    """What is wrong with one sealed transaction in chain order ("" when nothing is).

    ``chained`` holds the ids of the transactions before it in the chain: a reversal is posted after
    the transaction it reverses has committed, so that one is sealed earlier, in this ledger.
    """
    if row["sequence"] > expected_sequence:
        return _("序号 %(expected)s 缺失:交易被删除") % {"expected": expected_sequence}
    if row["sequence"] < expected_sequence:
        return _("序号 %(sequence)s 重复或顺序被调换") % {"sequence": row["sequence"]}
    if row["prev_hash"] != prev_hash:
        return _("前一哈希与上一交易不符:顺序被调换或插入了交易")
    recomputed = chain.transaction_hash(
        prev_hash,
        row["sequence"],
        row["id"],
        row["debit_id"],
        row["credit_id"],
        row["amount"],
        row["fingerprint"],
        row["actor_id"],
        row["created_at"],
    )
    if recomputed != row["hash"]:
        return _("内容与哈希不符:交易被修改或伪造")
    link = f"{row['link_type__app_label']}.{row['link_type__model']}:{row['link_id']}"
    fingerprint = chain.fingerprint(
        ledger_id=ledger.pk,
        debit_id=row["debit_id"],
        credit_id=row["credit_id"],
        amount=row["amount"],
        memo=row["memo"],
        reverses_id=row["reverses_id"],
        reason=row["reason"],
        link=link if row["link_type__app_label"] else None,
    )
    if fingerprint != row["fingerprint"]:
        return _("交易 #%(txn)s 的内容与其指纹不符:交易被修改") % {"txn": row["id"]}
    if not {row["debit_id"], row["credit_id"]} <= accounts:
        return _("交易 #%(txn)s 的账户不在本台账中") % {"txn": row["id"]}
    if row["reverses_id"] is not None and row["reverses_id"] not in chained:
        return _("交易 #%(txn)s 冲正的交易 #%(reversed)s 不在本台账中它之前") % {
            "txn": row["id"],
            "reversed": row["reverses_id"],
        }
    return ""


def verify_ledger(ledger: Ledger) -> VerificationReport:
    """Seal what is pending, then check every sealed transaction in sequence order and every checkpoint."""
    seal(ledger)
    accounts = set(ledger.accounts.values_list("pk", flat=True))
    report = VerificationReport(ok=True)
    prev_hash, expected_sequence = chain.GENESIS_HASH, 1
    hashes: dict[int, str] = {}
    chained: set[int] = set()
    rows = Transaction.objects.filter(ledger=ledger, sequence__isnull=False).order_by("sequence", "id")
    for row in rows.values(*CHAIN_FIELDS).iterator():
        problem = _problem(ledger, accounts, chained, expected_sequence, prev_hash, row)
        if problem:
            report.ok = False
            report.first_bad_transaction_id, report.first_bad_sequence = row["id"], row["sequence"]
            report.reason = problem
            return report
        hashes[row["sequence"]] = row["hash"]
        chained.add(row["id"])
        prev_hash, expected_sequence = row["hash"], row["sequence"] + 1
        report.transactions_checked += 1
    report.head_sequence, report.head_hash = expected_sequence - 1, prev_hash
    _check_checkpoints(ledger, hashes, report)
    if report.ok:
        report.balance_mismatches = verify_balances(ledger)
        if report.balance_mismatches:
            report.ok = False
            report.reason = _("账户缓存余额与交易合计不符")
    return report


def _check_checkpoints(ledger: Ledger, hashes: dict[int, str], report: VerificationReport) -> None:
    """A checkpoint whose hash differs from the recomputed chain proves history was rewritten after it."""
    for checkpoint in ledger.checkpoints.order_by("sequence", "id"):
        report.checkpoints_checked += 1
        actual = hashes.get(checkpoint.sequence, chain.GENESIS_HASH if checkpoint.sequence == 0 else None)
        if actual != checkpoint.head_hash:
            report.ok = False
            report.first_bad_sequence = checkpoint.sequence
            report.first_bad_transaction_id = (
                ledger.transactions.filter(sequence=checkpoint.sequence).values_list("id", flat=True).first()
            )
            report.reason = _("检查点 #%(id)s(序号 %(sequence)s)与链不符:该点之前的历史被改写") % {
                "id": checkpoint.pk,
                "sequence": checkpoint.sequence,
            }
            return


def verify_balances(ledger: Ledger) -> list[dict]:
    """Accounts whose cached balance differs from their transactions (sealed ones for unguarded accounts).

    One statement, so the comparison sees one snapshot even while postings go on.
    """
    sql = """
        SELECT a.id, a.code, a.balance, COALESCE(SUM(e.amount) FILTER (
                   WHERE NOT a.allow_negative OR e.sequence IS NOT NULL), 0) AS derived
          FROM ledger_account a LEFT JOIN ledger_entry e ON e.account_id = a.id
         WHERE a.ledger_id = %s
         GROUP BY a.id
        HAVING a.balance <> COALESCE(SUM(e.amount) FILTER (
                   WHERE NOT a.allow_negative OR e.sequence IS NOT NULL), 0)
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [ledger.pk])
        return [
            {"account_id": pk, "code": code, "cached": cached, "derived": derived}
            for pk, code, cached, derived in cursor.fetchall()
        ]
