"""Tampering directly in the database is detected and the first bad transaction is named.

The attacker here is a superuser who switches the append-only triggers off
(``session_replication_role = replica``) — the application's own connection cannot change them.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from cunwu.ledger import chain, services
from cunwu.ledger.models import Transaction
from cunwu.ledger.verify import verify_ledger


@pytest.fixture
def history(ledger, source, wallet, shop):
    """Five redemptions after the issue: 6 sealed transactions."""
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


def at(ledger, sequence: int) -> Transaction:
    return Transaction.objects.get(ledger=ledger, sequence=sequence)


def test_edited_amount_is_named(history):
    target = at(history, 3)
    tamper("UPDATE ledger_transaction SET amount = amount * 10 WHERE id = %s", [target.pk])
    report = verify_ledger(history)
    assert not report.ok
    assert (report.first_bad_transaction_id, report.first_bad_sequence) == (target.pk, 3)
    assert "修改" in report.reason


@pytest.mark.parametrize("change", ["actor_id = 1", "created_at = created_at - interval '1 day'"])
def test_who_and_when_are_part_of_the_chain(history, change):
    """The transaction is the audit record of its own posting: rewriting who or when is caught."""
    target = at(history, 4)
    tamper(f"UPDATE ledger_transaction SET {change} WHERE id = %s", [target.pk])
    report = verify_ledger(history)
    assert (report.ok, report.first_bad_transaction_id) == (False, target.pk)


def test_deleted_transaction_leaves_a_gap_that_is_named(history):
    deleted, following = at(history, 3), at(history, 4)
    tamper("DELETE FROM ledger_transaction WHERE id = %s", [deleted.pk])
    report = verify_ledger(history)
    assert not report.ok
    assert report.first_bad_transaction_id == following.pk
    assert "缺失" in report.reason


def test_swapped_transactions_are_named(history):
    a, b = at(history, 3), at(history, 4)
    tamper("UPDATE ledger_transaction SET sequence = -1 WHERE id = %s", [a.pk])
    tamper("UPDATE ledger_transaction SET sequence = 3 WHERE id = %s", [b.pk])
    tamper("UPDATE ledger_transaction SET sequence = 4 WHERE id = %s", [a.pk])
    report = verify_ledger(history)
    assert not report.ok
    assert (report.first_bad_transaction_id, report.first_bad_sequence) == (b.pk, 3)


def test_forged_transaction_inserted_with_a_valid_looking_hash_is_named(history, wallet, shop):
    """The forger renumbers the tail and computes the chain hash correctly; the fingerprint betrays it."""
    before = at(history, 2)
    tamper(
        "UPDATE ledger_transaction SET sequence = sequence + 100 WHERE ledger_id = %s AND sequence >= 3",
        [history.pk],
    )
    tamper(
        "UPDATE ledger_transaction SET sequence = sequence - 99 WHERE ledger_id = %s AND sequence >= 103",
        [history.pk],
    )
    forged_id, now = 10_000_000, timezone.now()
    forged_hash = chain.transaction_hash(
        before.hash, 3, forged_id, wallet.pk, shop.pk, Decimal("500.00"), "f" * 64, None, now
    )
    tamper(
        "INSERT INTO ledger_transaction (id, ledger_id, debit_id, credit_id, amount, memo, actor_name,"
        " created_at, user_agent, idempotency_scope, fingerprint, reason, link_id, sequence, prev_hash, hash)"
        " VALUES (%s, %s, %s, %s, 500.00, '伪造', '', %s, '', 'x', %s, '', '', 3, %s, %s)",
        [forged_id, history.pk, wallet.pk, shop.pk, now, "f" * 64, before.hash, forged_hash],
    )
    report = verify_ledger(history)
    assert not report.ok
    assert (report.first_bad_transaction_id, report.first_bad_sequence) == (forged_id, 3)
    assert "指纹" in report.reason


def test_edited_memo_is_caught_by_the_fingerprint(history):
    target = at(history, 4)
    tamper("UPDATE ledger_transaction SET memo = '改过的摘要' WHERE id = %s", [target.pk])
    report = verify_ledger(history)
    assert not report.ok
    assert report.first_bad_transaction_id == target.pk
    assert "指纹" in report.reason


def test_a_consistent_rewrite_of_history_is_caught_by_a_checkpoint(history):
    """Rewrite a redemption's amount and recompute every later hash: only the checkpoint sees it."""
    checkpoint = services.record_checkpoint(history)
    assert checkpoint.sequence == 6
    victim = at(history, 3)
    new_fingerprint = chain.fingerprint(
        ledger_id=history.pk,
        debit_id=victim.debit_id,
        credit_id=victim.credit_id,
        amount=Decimal("0.50"),
        memo=victim.memo,
        reverses_id=None,
        reason="",
        link=None,
    )
    tamper(
        "UPDATE ledger_transaction SET amount = 0.50, fingerprint = %s WHERE id = %s",
        [new_fingerprint, victim.pk],
    )
    prev = at(history, 2).hash
    for txn in Transaction.objects.filter(ledger=history, sequence__gte=3).order_by("sequence"):
        new_hash = chain.transaction_hash(
            prev,
            txn.sequence,
            txn.pk,
            txn.debit_id,
            txn.credit_id,
            txn.amount,
            txn.fingerprint,
            txn.actor_id,
            txn.created_at,
        )
        tamper(
            "UPDATE ledger_transaction SET prev_hash = %s, hash = %s WHERE id = %s", [prev, new_hash, txn.pk]
        )
        prev = new_hash
    report = verify_ledger(history)
    assert not report.ok
    assert report.first_bad_sequence == 6
    assert "检查点" in report.reason


def test_a_transaction_moved_to_an_account_of_another_ledger_is_named(history, county_a):
    other = services.open_ledger(code="other-funds", name="别的台账", kind="funds")
    stranger = services.open_account(other, code="stranger", name="外账户", allow_negative=True)
    target = at(history, 5)
    fingerprint = chain.fingerprint(
        ledger_id=history.pk,
        debit_id=target.debit_id,
        credit_id=stranger.pk,
        amount=target.amount,
        memo=target.memo,
        reverses_id=None,
        reason="",
        link=None,
    )
    prev = at(history, 4).hash
    rehash = chain.transaction_hash(
        prev, 5, target.pk, target.debit_id, stranger.pk, target.amount, fingerprint, None, target.created_at
    )
    tamper(
        "UPDATE ledger_transaction SET credit_id = %s, fingerprint = %s, hash = %s WHERE id = %s",
        [stranger.pk, fingerprint, rehash, target.pk],
    )
    report = verify_ledger(history)
    assert (report.ok, report.first_bad_transaction_id) == (False, target.pk)
    assert "账户不在本台账" in report.reason


@pytest.mark.parametrize("reversed_id", ["missing", "later"])
def test_a_reversal_of_a_transaction_not_before_it_in_the_chain_is_named(history, reversed_id):
    """``reverses`` is no database constraint; a consistent rewrite pointing it elsewhere is still caught."""
    target, later = at(history, 5), at(history, 6)
    reverses = 10_000_000 if reversed_id == "missing" else later.pk
    fingerprint = chain.fingerprint(
        ledger_id=history.pk,
        debit_id=target.debit_id,
        credit_id=target.credit_id,
        amount=target.amount,
        memo=target.memo,
        reverses_id=reverses,
        reason="",
        link=None,
    )
    rehash = chain.transaction_hash(
        at(history, 4).hash,
        5,
        target.pk,
        target.debit_id,
        target.credit_id,
        target.amount,
        fingerprint,
        None,
        target.created_at,
    )
    tamper(
        "UPDATE ledger_transaction SET reverses_id = %s, fingerprint = %s, hash = %s WHERE id = %s",
        [reverses, fingerprint, rehash, target.pk],
    )
    tamper("UPDATE ledger_transaction SET prev_hash = %s WHERE id = %s", [rehash, later.pk])
    tamper(
        "UPDATE ledger_transaction SET hash = %s WHERE id = %s",
        [
            chain.transaction_hash(
                rehash,
                6,
                later.pk,
                later.debit_id,
                later.credit_id,
                later.amount,
                later.fingerprint,
                None,
                later.created_at,
            ),
            later.pk,
        ],
    )
    report = verify_ledger(history)
    assert (report.ok, report.first_bad_transaction_id) == (False, target.pk)
    assert f"冲正的交易 #{reverses}" in report.reason


def test_cached_balance_drift_is_reported(history, wallet):
    tamper("UPDATE ledger_account SET balance = balance + 1 WHERE id = %s", [wallet.pk])
    report = verify_ledger(history)
    assert not report.ok
    assert [m["account_id"] for m in report.balance_mismatches] == [wallet.pk]
