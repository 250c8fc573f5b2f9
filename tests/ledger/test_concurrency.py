"""Postings over real parallel connections (a committed county, one connection per thread)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db import OperationalError, connection, connections, transaction
from django.db.models import Sum

from cunwu.ledger import services
from cunwu.ledger.errors import InsufficientBalance
from cunwu.ledger.models import Entry, Transaction
from cunwu.ledger.verify import verify_ledger

# committed_county needs the session's test database (made by django_db_setup) but not a `db` transaction.
pytestmark = pytest.mark.usefixtures("django_db_setup")


def in_county(county, work: Callable):
    """Run ``work`` on this thread's own connection, switched to ``county``; close it afterwards."""

    def run(*args):
        connection.set_tenant(county)
        try:
            return work(*args)
        finally:
            connections.close_all()

    return run


@pytest.fixture
def accounts(committed_county):
    ledger = services.open_ledger(code="race", name="并发", kind="points")
    source = services.open_account(ledger, code="issue", name="发放", allow_negative=True)
    sink = services.open_account(ledger, code="redeemed", name="已兑换", allow_negative=True)
    wallet = services.open_account(ledger, code="wallet", name="村民")
    services.transfer(debit=source, credit=wallet, amount=Decimal("1000.00"), memo="发放", actor=None)
    return ledger, source, sink, wallet


def test_parallel_debits_never_overdraw_and_post_exactly_once(committed_county, accounts):
    ledger, _source, sink, wallet = accounts
    shop = services.open_account(ledger, code="shop", name="超市")  # guarded: both rows locked in id order

    def debit_many(thread: int) -> list[tuple[str, int | None]]:
        results = []
        for i in range(25):
            key = f"t{thread}-{i}"
            credit = shop if i % 2 else sink
            try:
                txn = services.transfer(
                    debit=wallet,
                    credit=credit,
                    amount=Decimal("10.00"),
                    memo="兑换",
                    actor="pos",
                    idempotency_key=key,
                )
            except InsufficientBalance:
                results.append((key, None))
                continue
            again = services.transfer(
                debit=wallet,
                credit=credit,
                amount=Decimal("10.00"),
                memo="兑换",
                actor="pos",
                idempotency_key=key,
            )
            assert again.pk == txn.pk
            results.append((key, txn.pk))
        return results

    with ThreadPoolExecutor(8) as pool:
        results = [r for chunk in pool.map(in_county(committed_county, debit_many), range(8)) for r in chunk]
    accepted = [txn_id for _key, txn_id in results if txn_id is not None]
    assert len(accepted) == 100 and len(set(accepted)) == 100
    wallet.refresh_from_db()
    assert wallet.balance == 0 == services.balance(wallet)
    debits = Transaction.objects.filter(ledger=ledger, idempotency_scope="system:pos")
    assert debits.count() == 100
    assert Entry.objects.filter(transaction__in=debits).count() == 200
    assert Entry.objects.filter(ledger=ledger).aggregate(s=Sum("amount"))["s"] == 0
    report = verify_ledger(ledger)
    assert report.ok, report.reason
    assert report.transactions_checked == Transaction.objects.filter(ledger=ledger).count()


def test_the_same_key_from_many_threads_posts_once(committed_county, accounts):
    ledger, _source, sink, wallet = accounts
    barrier = threading.Barrier(8)

    def post(_thread: int) -> int:
        barrier.wait()
        return services.transfer(
            debit=wallet,
            credit=sink,
            amount=Decimal("7.00"),
            memo="兑换",
            actor="pos",
            idempotency_key="same",
        ).pk

    with ThreadPoolExecutor(8) as pool:
        ids = set(pool.map(in_county(committed_county, post), range(8)))
    assert len(ids) == 1
    assert services.balance(wallet) == Decimal("993.00")
    wallet.refresh_from_db()
    assert wallet.balance == Decimal("993.00")
    assert verify_ledger(ledger).ok


def test_accounts_do_not_wait_for_each_other(committed_county, accounts):
    """An uncommitted posting holds its own account only: another account of the ledger (and the shared
    sink, and the sealer) go ahead, while a second debit of the same account waits."""
    ledger, source, sink, wallet = accounts
    other = services.open_account(ledger, code="other", name="村民乙")
    services.transfer(debit=source, credit=other, amount=Decimal("50.00"), memo="发放", actor=None)
    holding, release = threading.Event(), threading.Event()

    def hold_wallet():
        with transaction.atomic():
            services.transfer(debit=wallet, credit=sink, amount=Decimal("1.00"), memo="进行中", actor=None)
            holding.set()
            release.wait(30)

    def attempt(account, amount) -> str:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '1s'")
            try:
                services.transfer(debit=account, credit=sink, amount=amount, memo="并行", actor=None)
            except OperationalError:
                return "waited"
        services.seal(ledger)
        return "posted"

    with ThreadPoolExecutor(2) as pool:
        held = pool.submit(in_county(committed_county, hold_wallet))
        assert holding.wait(30)
        assert pool.submit(in_county(committed_county, attempt), other, Decimal("2.00")).result() == "posted"
        second = pool.submit(in_county(committed_county, attempt), wallet, Decimal("3.00"))
        assert second.result() == "waited"
        release.set()
        held.result()
    assert services.balance(other) == Decimal("48.00")
    assert services.balance(wallet) == Decimal("999.00")
    assert verify_ledger(ledger).ok


def test_postings_are_sealed_after_commit_and_the_periodic_task_takes_the_rest(committed_county, accounts):
    from cunwu.ledger.tasks import seal_all

    ledger, _source, sink, wallet = accounts
    time.sleep(services._seal_after_commit.INTERVAL)  # the fixture's own posting sealed just now
    first = services.transfer(debit=wallet, credit=sink, amount=Decimal("1.00"), memo="兑换", actor=None)
    assert not Entry.objects.filter(ledger=ledger, sequence__isnull=True).exists()  # sealed on commit
    assert first.entries.count() == 2
    for _ in range(5):
        services.transfer(debit=wallet, credit=sink, amount=Decimal("1.00"), memo="兑换", actor=None)
    seal_all()
    assert not Entry.objects.filter(ledger=ledger, sequence__isnull=True).exists()
    sink.refresh_from_db()
    assert sink.balance == Decimal("6.00")  # the unguarded sink's cache is folded in by the seals
    assert verify_ledger(ledger).ok
