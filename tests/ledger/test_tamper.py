"""Tampering directly in the database is detected and the first bad entry is named.

The attacker here is a superuser who switches the append-only triggers off
(``session_replication_role = replica``) — the application's own connection cannot change entries.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection

from cunwu.ledger import chain, services
from cunwu.ledger.models import Entry, Transaction
from cunwu.ledger.verify import verify_ledger


@pytest.fixture
def history(ledger, source, wallet, shop):
    """Five redemptions after the issue: 12 sealed entries."""
    for i in range(5):
        services.transfer(
            debit=wallet, credit=shop, amount=Decimal(f"{i + 1}.00"), memo=f"兑换 {i}", actor=None
        )
    services.seal(ledger)
    assert verify_ledger(ledger).ok
    return ledger


def tamper(sql: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        try:
            cursor.execute(sql, params)
        finally:
            cursor.execute("SET session_replication_role = DEFAULT")


def entry_at(ledger, sequence: int) -> Entry:
    return Entry.objects.get(ledger=ledger, sequence=sequence)


def test_edited_amount_is_named(history):
    target = entry_at(history, 5)
    tamper("UPDATE ledger_entry SET amount = amount * 10 WHERE id = %s", [target.pk])
    report = verify_ledger(history)
    assert not report.ok
    assert (report.first_bad_entry_id, report.first_bad_sequence) == (target.pk, 5)
    assert "修改" in report.reason


def test_deleted_entry_leaves_a_gap_that_is_named(history):
    deleted, following = entry_at(history, 5), entry_at(history, 6)
    tamper("DELETE FROM ledger_entry WHERE id = %s", [deleted.pk])
    report = verify_ledger(history)
    assert not report.ok
    assert report.first_bad_entry_id == following.pk
    assert "缺失" in report.reason


def test_swapped_entries_are_named(history):
    a, b = entry_at(history, 5), entry_at(history, 6)
    tamper("UPDATE ledger_entry SET sequence = -1 WHERE id = %s", [a.pk])
    tamper("UPDATE ledger_entry SET sequence = 5 WHERE id = %s", [b.pk])
    tamper("UPDATE ledger_entry SET sequence = 6 WHERE id = %s", [a.pk])
    report = verify_ledger(history)
    assert not report.ok
    assert (report.first_bad_entry_id, report.first_bad_sequence) == (b.pk, 5)


def test_forged_entry_inserted_with_a_valid_looking_hash_is_named(history, shop):
    """The forger renumbers the tail and computes the hash correctly; double entry still betrays it."""
    before = entry_at(history, 4)
    tamper(
        "UPDATE ledger_entry SET sequence = sequence + 100 WHERE ledger_id = %s AND sequence >= 5",
        [history.pk],
    )
    tamper(
        "UPDATE ledger_entry SET sequence = sequence - 99 WHERE ledger_id = %s AND sequence >= 105",
        [history.pk],
    )
    txn = Transaction.objects.create(
        ledger=history,
        memo="伪造",
        created_at="2026-01-01T00:00Z",
        idempotency_scope="x",
        fingerprint="f" * 64,
    )
    forged_id = 10_000_000
    forged_hash = chain.entry_hash(
        before.hash, 5, forged_id, txn.pk, shop.pk, Decimal("500.00"), txn.fingerprint
    )
    tamper(
        "INSERT INTO ledger_entry (id, ledger_id, transaction_id, account_id, amount, sequence, prev_hash, hash)"
        " VALUES (%s, %s, %s, %s, 500.00, 5, %s, %s)",
        [forged_id, history.pk, txn.pk, shop.pk, before.hash, forged_hash],
    )
    report = verify_ledger(history)
    assert not report.ok
    assert (report.first_bad_entry_id, report.first_bad_sequence) == (forged_id, 5)


def test_edited_memo_is_caught_by_the_fingerprint(history):
    target = entry_at(history, 7)
    tamper("UPDATE ledger_transaction SET memo = '改过的摘要' WHERE id = %s", [target.transaction_id])
    report = verify_ledger(history)
    assert not report.ok
    first_of_txn = Entry.objects.filter(transaction_id=target.transaction_id).order_by("sequence").first()
    assert report.first_bad_entry_id == first_of_txn.pk
    assert "指纹" in report.reason


def test_a_consistent_rewrite_of_history_is_caught_by_a_checkpoint(history):
    """Rewrite a redemption's amount everywhere and recompute every later hash: only the checkpoint sees it."""
    checkpoint = services.record_checkpoint(history)
    assert checkpoint.sequence == 12
    victim = entry_at(history, 5).transaction
    entries = list(victim.entries.order_by("amount"))
    tamper("UPDATE ledger_entry SET amount = -0.50 WHERE id = %s", [entries[0].pk])
    tamper("UPDATE ledger_entry SET amount = 0.50 WHERE id = %s", [entries[1].pk])
    new_fingerprint = chain.fingerprint(
        ledger_id=history.pk,
        debit_id=entries[0].account_id,
        credit_id=entries[1].account_id,
        amount=Decimal("0.50"),
        memo=victim.memo,
        reverses_id=None,
        reason="",
        link=None,
    )
    tamper("UPDATE ledger_transaction SET fingerprint = %s WHERE id = %s", [new_fingerprint, victim.pk])
    prev = entry_at(history, 4).hash
    for entry in (
        Entry.objects.filter(ledger=history, sequence__gte=5)
        .order_by("sequence")
        .select_related("transaction")
    ):
        new_hash = chain.entry_hash(
            prev,
            entry.sequence,
            entry.pk,
            entry.transaction_id,
            entry.account_id,
            entry.amount,
            entry.transaction.fingerprint,
        )
        tamper("UPDATE ledger_entry SET prev_hash = %s, hash = %s WHERE id = %s", [prev, new_hash, entry.pk])
        prev = new_hash
    report = verify_ledger(history)
    assert not report.ok
    assert report.first_bad_sequence == 12
    assert "检查点" in report.reason


def test_cached_balance_drift_is_reported(history, wallet):
    tamper("UPDATE ledger_account SET balance = balance + 1 WHERE id = %s", [wallet.pk])
    report = verify_ledger(history)
    assert not report.ok
    assert [m["account_id"] for m in report.balance_mismatches] == [wallet.pk]
