"""Postings: double entry, overdraw refused, idempotency, reversal."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum
from django.test import RequestFactory

from cunwu.ledger import services
from cunwu.ledger.errors import AlreadyReversed, IdempotencyConflict, InsufficientBalance, InvalidPosting
from cunwu.ledger.models import Account, Entry, Transaction
from cunwu.ledger.verify import verify_balances, verify_ledger


def test_transfer_is_one_row_whose_two_entries_sum_to_zero(wallet, shop):
    txn = services.transfer(debit=wallet, credit=shop, amount=Decimal("30.00"), memo="兑换", actor=None)
    stored = Transaction.objects.get(pk=txn.pk)
    assert (stored.debit_id, stored.credit_id, stored.amount) == (wallet.pk, shop.pk, Decimal("30.00"))
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


def test_a_posting_by_a_person_is_audited_when_it_is_sealed(wallet, shop, make_user):
    """The transaction records who, when and from where; sealing it writes its audit row, once."""
    from cunwu.audit import request_info
    from cunwu.audit.models import AuditEntry

    user = make_user()
    request = RequestFactory().post("/", REMOTE_ADDR="10.1.2.3", HTTP_USER_AGENT="counter/1.0")
    token = request_info._current_request.set(request)
    try:
        txn = services.transfer(debit=wallet, credit=shop, amount=Decimal("5.00"), memo="兑换", actor=user)
    finally:
        request_info._current_request.reset(token)
    stored = Transaction.objects.get(pk=txn.pk)
    assert (stored.actor_id, stored.ip_address, stored.user_agent) == (user.pk, "10.1.2.3", "counter/1.0")
    assert not AuditEntry.objects.filter(action="ledger.transfer").exists()
    services.seal(wallet.ledger)
    services.seal(wallet.ledger)
    entry = AuditEntry.objects.get(action="ledger.transfer", target_id=str(txn.pk))
    assert (entry.actor_id, entry.actor_name, entry.ip_address, entry.user_agent) == (
        user.pk,
        str(user),
        "10.1.2.3",
        "counter/1.0",
    )
    assert entry.after == {
        "debit_account": wallet.pk,
        "credit_account": shop.pk,
        "amount": "5.00",
        "memo": "兑换",
        "reverses": None,
        "idempotency_key": None,
    }
    assert entry.created_at == stored.created_at and entry.target_type.model_class() is Transaction


def test_postings_by_the_system_are_not_copied_to_the_audit_trail(wallet, shop):
    from cunwu.audit.models import AuditEntry

    services.transfer(debit=wallet, credit=shop, amount=Decimal("5.00"), memo="兑换", actor="年度结转")
    services.seal(wallet.ledger)
    assert not AuditEntry.objects.filter(action="ledger.transfer").exists()


def test_unguarded_balances_are_folded_in_when_sealed(ledger, source, wallet):
    source.refresh_from_db()
    assert source.balance == 0  # not sealed yet: the posting never locks the source row
    services.seal(ledger)
    source.refresh_from_db()
    assert source.balance == Decimal("-100.00")
    assert verify_balances(ledger) == []


def _changed(field) -> str:
    """An SQL expression that gives ``field``'s column another value, whatever its type or NULL.

    The guard runs after the row's constraints, so the value must pass them: the key, the accounts (no
    foreign-key constraints) and the sequence get a number no row has, not one that a unique index or
    the two-accounts check would refuse first.
    """
    column, kind = field.column, field.get_internal_type()
    if field.primary_key or field.name in ("debit", "credit", "sequence"):
        return f"{column} + 1000000000"
    if kind == "CharField":
        return f"'x' || left(coalesce({column}, ''), {field.max_length - 1})"
    if kind == "DateTimeField":
        return f"{column} + interval '1 second'"
    if kind == "GenericIPAddressField":
        return "'10.9.9.9'"
    return f"coalesce({column}, 0) + 1"


@pytest.mark.parametrize("field", Transaction._meta.concrete_fields, ids=lambda f: f.column)
def test_the_database_refuses_to_change_any_column_of_a_transaction(wallet, shop, field):
    """Sealed or not: the only update allowed is the sealer's one-time setting of the chain columns."""
    from django.db import transaction
    from django.db.utils import DatabaseError

    sealed = services.transfer(debit=wallet, credit=shop, amount=Decimal("6.00"), memo="n", actor=None)
    services.seal(wallet.ledger)
    unsealed = services.transfer(debit=wallet, credit=shop, amount=Decimal("1.00"), memo="o", actor=None)
    for txn in (sealed, unsealed):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as c,
        ):
            c.execute(
                f"UPDATE ledger_transaction SET {field.column} = {_changed(field)} WHERE id = %s", [txn.pk]
            )


def test_the_database_refuses_to_delete_transactions_accounts_and_ledgers(wallet, shop):
    from django.db import transaction
    from django.db.utils import DatabaseError

    txn = services.transfer(debit=wallet, credit=shop, amount=Decimal("5.00"), memo="m", actor=None)
    for table, pk in (
        ("ledger_transaction", txn.pk),
        ("ledger_account", shop.pk),
        ("ledger_ledger", shop.ledger_id),
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as c,
        ):
            c.execute(f"DELETE FROM {table} WHERE id = %s", [pk])


def test_an_account_of_another_ledger_is_refused_by_the_statement(wallet, shop, ledger):
    """The accounts are no foreign keys: the posting statement itself finds both in the ledger."""
    other = services.open_ledger(code="other-funds", name="别的台账", kind="funds")
    stranger = services.open_account(other, code="stranger", name="外账户", allow_negative=True)
    forged = Account.objects.get(pk=stranger.pk)
    forged.ledger_id = ledger.pk  # a stale or forged object: Python's own check cannot see it
    before = Transaction.objects.count()
    with pytest.raises(InvalidPosting):
        services.transfer(debit=forged, credit=shop, amount=Decimal("1.00"), memo="m", actor=None)
    with pytest.raises(InvalidPosting):
        services.transfer(debit=wallet, credit=forged, amount=Decimal("1.00"), memo="m", actor=None)
    assert Transaction.objects.count() == before
    wallet.refresh_from_db()
    assert wallet.balance == Decimal("100.00")


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
