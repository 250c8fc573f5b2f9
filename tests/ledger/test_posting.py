"""Postings: double entry, overdraw refused, idempotency, reversal."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum

from cunwu.ledger import services
from cunwu.ledger.errors import AlreadyReversed, IdempotencyConflict, InsufficientBalance, InvalidPosting
from cunwu.ledger.models import Entry, Transaction
from cunwu.ledger.verify import verify_balances, verify_ledger


def test_transfer_writes_two_entries_that_sum_to_zero(wallet, shop):
    txn = services.transfer(debit=wallet, credit=shop, amount=Decimal("30.00"), memo="兑换", actor=None)
    amounts = sorted(Entry.objects.filter(transaction=txn).values_list("amount", flat=True))
    assert amounts == [Decimal("-30.00"), Decimal("30.00")]
    assert services.balance(wallet) == Decimal("70.00")
    assert services.balance(shop) == Decimal("30.00")
    wallet.refresh_from_db()
    assert wallet.balance == Decimal("70.00")
    assert Entry.objects.filter(ledger=wallet.ledger).aggregate(s=Sum("amount"))["s"] == 0


def test_overdraw_is_refused_and_writes_nothing(wallet, shop):
    before = Transaction.objects.count()
    with pytest.raises(InsufficientBalance):
        services.transfer(debit=wallet, credit=shop, amount=Decimal("100.01"), memo="超额", actor=None)
    assert Transaction.objects.count() == before
    assert services.balance(shop) == 0
    wallet.refresh_from_db()
    assert wallet.balance == Decimal("100.00")
    # the caller's transaction is still usable after a refusal
    services.transfer(debit=wallet, credit=shop, amount=Decimal("100.00"), memo="全额", actor=None)
    assert services.balance(wallet) == 0


@pytest.mark.parametrize("amount", [Decimal("0"), Decimal("-1.00"), Decimal("1.001"), 1.5])
def test_bad_amounts_are_refused(wallet, shop, amount):
    with pytest.raises(InvalidPosting):
        services.transfer(debit=wallet, credit=shop, amount=amount, memo="x", actor=None)


def test_same_key_same_payload_returns_the_first_transaction(wallet, shop, make_user):
    user = make_user()
    first = services.transfer(
        debit=wallet, credit=shop, amount=Decimal("10.00"), memo="兑换", actor=user, idempotency_key="k1"
    )
    again = services.transfer(
        debit=wallet, credit=shop, amount=Decimal("10.00"), memo="兑换", actor=user, idempotency_key="k1"
    )
    assert again.pk == first.pk
    assert Entry.objects.filter(account=shop).count() == 1
    assert services.balance(wallet) == Decimal("90.00")


def test_same_key_different_payload_is_a_conflict(wallet, shop, make_user):
    user = make_user()
    services.transfer(
        debit=wallet, credit=shop, amount=Decimal("10.00"), memo="兑换", actor=user, idempotency_key="k"
    )
    with pytest.raises(IdempotencyConflict):
        services.transfer(
            debit=wallet, credit=shop, amount=Decimal("20.00"), memo="兑换", actor=user, idempotency_key="k"
        )
    assert services.balance(wallet) == Decimal("90.00")


def test_keys_are_scoped_to_the_actor(wallet, shop, make_user):
    one, two = make_user(), make_user()
    a = services.transfer(
        debit=wallet, credit=shop, amount=Decimal("1.00"), memo="m", actor=one, idempotency_key="k"
    )
    b = services.transfer(
        debit=wallet, credit=shop, amount=Decimal("1.00"), memo="m", actor=two, idempotency_key="k"
    )
    assert a.pk != b.pk


def test_reversal_links_and_restores_the_balance(wallet, shop, make_user):
    user = make_user()
    original = services.transfer(debit=wallet, credit=shop, amount=Decimal("40.00"), memo="兑换", actor=user)
    correction = services.reverse(original, reason="录入错误", actor=user)
    assert correction.reverses_id == original.pk
    assert Transaction.objects.get(pk=original.pk).reversed_by.pk == correction.pk
    assert correction.reason == "录入错误"
    assert services.balance(wallet) == Decimal("100.00")
    assert services.balance(shop) == 0
    with pytest.raises(AlreadyReversed):
        services.reverse(original, reason="再次", actor=user)
    assert verify_ledger(wallet.ledger).ok


def test_a_posting_by_a_person_is_audited(wallet, shop, make_user):
    from cunwu.audit.models import AuditEntry

    user = make_user()
    txn = services.transfer(debit=wallet, credit=shop, amount=Decimal("5.00"), memo="兑换", actor=user)
    entry = AuditEntry.objects.get(action="ledger.transfer", target_id=str(txn.pk))
    assert entry.actor_id == user.pk


def test_unguarded_balances_are_folded_in_when_sealed(ledger, source, wallet):
    source.refresh_from_db()
    assert source.balance == 0  # not sealed yet: the posting never locks the source row
    services.seal(ledger)
    source.refresh_from_db()
    assert source.balance == Decimal("-100.00")
    assert verify_balances(ledger) == []


def test_the_database_refuses_update_and_delete_of_entries(wallet, shop):
    from django.db import transaction
    from django.db.utils import DatabaseError

    txn = services.transfer(debit=wallet, credit=shop, amount=Decimal("5.00"), memo="m", actor=None)
    entry = Entry.objects.filter(transaction=txn).first()
    for statement in (
        "UPDATE ledger_entry SET amount = 1 WHERE id = %s",
        "DELETE FROM ledger_entry WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as c,
        ):
            c.execute(statement, [entry.pk])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as c:
        c.execute("UPDATE ledger_transaction SET memo = 'x' WHERE id = %s", [txn.pk])
    with pytest.raises(DatabaseError), transaction.atomic():
        Transaction.objects.filter(pk=txn.pk).delete()


def test_an_unbalanced_statement_of_entries_is_refused(wallet):
    from django.db import transaction
    from django.db.utils import DatabaseError

    txn = Transaction.objects.create(
        ledger=wallet.ledger,
        memo="伪造",
        created_at="2026-01-01T00:00Z",
        idempotency_scope="x",
        fingerprint="0",
    )
    with pytest.raises(DatabaseError, match="does not balance"), transaction.atomic():
        Entry.objects.create(ledger=wallet.ledger, transaction=txn, account=wallet, amount=Decimal("5.00"))


def test_a_connection_moving_between_counties_posts_into_each_countys_tables(wallet, shop, county_b):
    """The posting is a prepared statement: its plan must follow the connection's search_path."""
    from django_tenants.utils import schema_context

    services.transfer(debit=wallet, credit=shop, amount=Decimal("1.00"), memo="甲县", actor=None)
    with schema_context(county_b.schema_name):
        ledger_b = services.open_ledger(code="test-points", name="乙县积分", kind="points")
        issue_b = services.open_account(ledger_b, code="issue", name="发放", allow_negative=True)
        wallet_b = services.open_account(ledger_b, code="wallet", name="乙村民")
        services.transfer(debit=issue_b, credit=wallet_b, amount=Decimal("5.00"), memo="乙县", actor=None)
        assert list(Transaction.objects.values_list("memo", flat=True)) == ["乙县"]
        assert services.balance(wallet_b) == Decimal("5.00")
    assert not Transaction.objects.filter(memo="乙县").exists()
    assert services.balance(wallet) == Decimal("99.00")
