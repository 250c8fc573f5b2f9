"""Independent verification of a ledger: the hash chain, double entry, fingerprints, checkpoints, balances.

The chain is recomputed in Python from the stored columns (the sealer computes it in SQL), so a bug or
a forgery on one side shows up on the other. The report names the first bad entry in chain order.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.utils.translation import gettext as _

from cunwu.ledger import chain
from cunwu.ledger.models import Entry, Ledger, Transaction
from cunwu.ledger.services import seal


@dataclass
class VerificationReport:
    ok: bool
    first_bad_entry_id: int | None = None
    reason: str = ""
    first_bad_sequence: int | None = None
    entries_checked: int = 0
    head_sequence: int = 0
    head_hash: str = chain.GENESIS_HASH
    checkpoints_checked: int = 0
    balance_mismatches: list[dict] = field(default_factory=list)


def _transaction_facts(ledger: Ledger) -> tuple[dict[int, Decimal], dict[int, str]]:
    """Σ entries per transaction, and each transaction's fingerprint recomputed from its fields."""
    totals: dict[int, Decimal] = defaultdict(Decimal)
    sides: dict[int, dict[str, int]] = defaultdict(dict)
    amounts: dict[int, Decimal] = {}
    for txn_id, account_id, amount in Entry.objects.filter(ledger=ledger).values_list(
        "transaction_id", "account_id", "amount"
    ):
        totals[txn_id] += amount
        sides[txn_id]["debit" if amount < 0 else "credit"] = account_id
        if amount > 0:
            amounts[txn_id] = amount
    expected: dict[int, str] = {}
    rows = Transaction.objects.filter(ledger=ledger).values_list(
        "id", "memo", "reverses_id", "reason", "link_type__app_label", "link_type__model", "link_id"
    )
    for txn_id, memo, reverses_id, reason, app_label, model, link_id in rows.iterator():
        if txn_id not in amounts or len(sides[txn_id]) != 2:
            continue
        expected[txn_id] = chain.fingerprint(
            ledger_id=ledger.pk,
            debit_id=sides[txn_id]["debit"],
            credit_id=sides[txn_id]["credit"],
            amount=amounts[txn_id],
            memo=memo,
            reverses_id=reverses_id,
            reason=reason,
            link=f"{app_label}.{model}:{link_id}" if app_label else None,
        )
    return totals, expected


def verify_ledger(ledger: Ledger) -> VerificationReport:
    """Seal what is pending, then check every sealed entry in sequence order and every checkpoint."""
    seal(ledger)
    totals, expected_fingerprints = _transaction_facts(ledger)
    report = VerificationReport(ok=True)
    prev_hash, expected_sequence = chain.GENESIS_HASH, 1
    hashes: dict[int, str] = {}
    rows = (
        Entry.objects.filter(ledger=ledger, sequence__isnull=False)
        .order_by("sequence", "id")
        .values_list(
            "id",
            "sequence",
            "prev_hash",
            "hash",
            "transaction_id",
            "account_id",
            "amount",
            "transaction__fingerprint",
        )
    )
    for (
        entry_id,
        sequence,
        stored_prev,
        stored_hash,
        txn_id,
        account_id,
        amount,
        fingerprint,
    ) in rows.iterator():
        problem = None
        if sequence > expected_sequence:
            problem = _("序号 %(expected)s 缺失:分录被删除") % {"expected": expected_sequence}
        elif sequence < expected_sequence:
            problem = _("序号 %(sequence)s 重复或顺序被调换") % {"sequence": sequence}
        elif stored_prev != prev_hash:
            problem = _("前一哈希与上一分录不符:顺序被调换或插入了分录")
        elif (
            chain.entry_hash(prev_hash, sequence, entry_id, txn_id, account_id, amount, fingerprint)
            != stored_hash
        ):
            problem = _("内容与哈希不符:分录被修改或伪造")
        elif totals[txn_id] != 0:
            problem = _("交易 #%(txn)s 借贷不平") % {"txn": txn_id}
        elif expected_fingerprints.get(txn_id) != fingerprint:
            problem = _("交易 #%(txn)s 的内容与其指纹不符:交易被修改") % {"txn": txn_id}
        if problem:
            report.ok = False
            report.first_bad_entry_id, report.first_bad_sequence, report.reason = entry_id, sequence, problem
            return report
        hashes[sequence] = stored_hash
        prev_hash, expected_sequence = stored_hash, sequence + 1
        report.entries_checked += 1
    report.head_sequence, report.head_hash = expected_sequence - 1, prev_hash
    _check_checkpoints(ledger, hashes, report)
    if report.ok:
        report.balance_mismatches = verify_balances(ledger)
        if report.balance_mismatches:
            report.ok = False
            report.reason = _("账户缓存余额与分录合计不符")
    return report


def _check_checkpoints(ledger: Ledger, hashes: dict[int, str], report: VerificationReport) -> None:
    """A checkpoint whose hash differs from the recomputed chain proves history was rewritten after it."""
    for checkpoint in ledger.checkpoints.order_by("sequence", "id"):
        report.checkpoints_checked += 1
        actual = hashes.get(checkpoint.sequence, chain.GENESIS_HASH if checkpoint.sequence == 0 else None)
        if actual != checkpoint.head_hash:
            report.ok = False
            report.first_bad_sequence = checkpoint.sequence
            report.first_bad_entry_id = (
                Entry.objects.filter(ledger=ledger, sequence=checkpoint.sequence)
                .values_list("id", flat=True)
                .first()
            )
            report.reason = _("检查点 #%(id)s(序号 %(sequence)s)与链不符:该点之前的历史被改写") % {
                "id": checkpoint.pk,
                "sequence": checkpoint.sequence,
            }
            return


def verify_balances(ledger: Ledger) -> list[dict]:
    """Accounts whose cached balance differs from their entries (sealed entries for unguarded accounts).

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
