"""Migration 0006 turns a county's transactions and entries into transfers that verify."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from cunwu.ledger import chain

BEFORE = [("ledger", "0005_seal_without_arrays_scan"), ("cunwu_points", "0003_redemption_fewer_indexes")]


@pytest.fixture
def schema_before_transfers(db):
    """A new schema migrated up to the per-entry ledger (rolled back with the test's transaction)."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE SCHEMA county_before_transfers")
    connection.set_schema("county_before_transfers")
    executor = MigrationExecutor(connection)
    others = [
        node for node in executor.loader.graph.leaf_nodes() if node[0] not in ("ledger", "cunwu_points")
    ]
    executor.migrate(others + BEFORE)
    yield
    connection.set_schema_to_public()


def _post_the_old_way(cursor, ledger: int, debit: int, credit: int, amount: Decimal, memo: str) -> None:
    """A transaction and its two entries as the per-entry ledger wrote them, with a real fingerprint."""
    fingerprint = chain.fingerprint(
        ledger_id=ledger,
        debit_id=debit,
        credit_id=credit,
        amount=amount,
        memo=memo,
        reverses_id=None,
        reason="",
        link=None,
    )
    cursor.execute(
        "INSERT INTO ledger_transaction (ledger_id, memo, actor_name, created_at, idempotency_scope,"
        " fingerprint, reason, link_id) VALUES (%s, %s, 'system', now(), 'system', %s, '', '') RETURNING id",
        [ledger, memo, fingerprint],
    )
    txn = cursor.fetchone()[0]
    cursor.execute(
        "INSERT INTO ledger_entry (ledger_id, transaction_id, account_id, amount, prev_hash, hash)"
        " VALUES (%s, %s, %s, %s, '', ''), (%s, %s, %s, %s, '', '')",
        [ledger, txn, debit, -amount, ledger, txn, credit, amount],
    )
    cursor.execute(
        "UPDATE ledger_account SET balance = balance + CASE WHEN id = %s THEN -%s ELSE %s END"
        " WHERE id IN (%s, %s) AND NOT allow_negative",
        [debit, amount, amount, debit, credit],
    )


def test_postings_are_converted_resealed_and_verify(schema_before_transfers):
    from cunwu.audit.models import AuditEntry
    from cunwu.ledger.models import Account, Entry, Ledger, Transaction
    from cunwu.ledger.services import balance
    from cunwu.ledger.verify import verify_ledger

    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO ledger_ledger (code, name, kind, created_at) VALUES ('pts', '积分', 'points', now())"
            " RETURNING id"
        )
        ledger = cursor.fetchone()[0]
        ids = {}
        for code, unguarded in (("issue", True), ("wallet", False), ("shop", True)):
            cursor.execute(
                "INSERT INTO ledger_account (ledger_id, code, name, owner_type, allow_negative, balance,"
                " created_at) VALUES (%s, %s, %s, '', %s, 0, now()) RETURNING id",
                [ledger, code, code, unguarded],
            )
            ids[code] = cursor.fetchone()[0]
        _post_the_old_way(cursor, ledger, ids["issue"], ids["wallet"], Decimal("100.00"), "发放")
        _post_the_old_way(cursor, ledger, ids["wallet"], ids["shop"], Decimal("30.00"), "兑换")
        _post_the_old_way(cursor, ledger, ids["wallet"], ids["shop"], Decimal("5.50"), "兑换")
        cursor.execute("SELECT ledger_seal(%s, false)", [ledger])
        cursor.execute(
            "INSERT INTO ledger_ledgercheckpoint (ledger_id, sequence, head_hash, created_at)"
            " VALUES (%s, 6, repeat('a', 64), now())",
            [ledger],
        )
        # The rows' deferred foreign-key checks, due at the commit a real county had before migrating.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    transfers = Transaction.objects.order_by("id").values_list("debit_id", "credit_id", "amount", "sequence")
    assert list(transfers) == [
        (ids["issue"], ids["wallet"], Decimal("100.00"), 1),
        (ids["wallet"], ids["shop"], Decimal("30.00"), 2),
        (ids["wallet"], ids["shop"], Decimal("5.50"), 3),
    ]
    balances = {a.code: (a.balance, balance(a)) for a in Account.objects.all()}
    assert balances == {
        "issue": (Decimal("-100.00"), Decimal("-100.00")),
        "wallet": (Decimal("64.50"), Decimal("64.50")),
        "shop": (Decimal("35.50"), Decimal("35.50")),
    }
    assert Entry.objects.count() == 6
    report = verify_ledger(Ledger.objects.get(pk=ledger))
    assert (report.ok, report.transactions_checked, report.checkpoints_checked) == (True, 3, 0), report.reason
    assert not AuditEntry.objects.filter(action="ledger.transfer").exists()  # audited when they were posted
