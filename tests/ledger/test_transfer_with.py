"""``transfer_with``: the posting and the caller's writes in one statement — all of it, or nothing.

The statement runs in its own transaction (autocommit), so these tests use a county whose data is
committed; ``follow`` here is the smallest a caller can write: one row, the transaction's id, when
``f_ok`` says the caller's writes succeeded.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from cunwu.ledger import services
from cunwu.ledger.models import Account, Transaction

FOLLOW = "follow AS MATERIALIZED (SELECT t.id FROM t WHERE %(f_ok)s::boolean)"


@pytest.fixture
def accounts(committed_county, make_user):
    """(source, wallet holding 10.00, shop, a user) in a committed county."""
    ledger = services.open_ledger(code="with-points", name="一句记账", kind="points")
    source = services.open_account(ledger, code="issue", name="发放", allow_negative=True)
    wallet = services.open_account(ledger, code="wallet", name="村民")
    shop = services.open_account(ledger, code="shop", name="超市")
    services.transfer(debit=source, credit=wallet, amount=Decimal("10.00"), memo="发放", actor=None)
    wallet.refresh_from_db()
    return source, wallet, shop, make_user()


def _post(debit: Account, credit: Account, actor, amount: str = "4.00", *, ok: bool = True):
    key = uuid.uuid4().hex
    done = services.transfer_with(
        debit=debit,
        credit=credit,
        amount=Decimal(amount),
        memo="兑换",
        actor=actor,
        idempotency_key=key,
        follow=FOLLOW,
        follow_params={"f_ok": ok},
    )
    return done, key


def test_a_posting_and_its_follow_are_written_together(accounts):
    _source, wallet, shop, user = accounts
    done, key = _post(wallet, shop, user)
    assert done is not None and done.follow_id == done.transaction_id
    written = Transaction.objects.get(pk=done.transaction_id)
    assert (written.idempotency_key, written.amount, written.actor_id) == (key, Decimal("4.00"), user.pk)
    assert services.balance(wallet) == Decimal("6.00")


def test_a_follow_that_falls_short_writes_nothing(accounts):
    _source, wallet, shop, user = accounts
    done, key = _post(wallet, shop, user, ok=False)
    assert done is None
    assert not Transaction.objects.filter(idempotency_key=key).exists()
    assert Account.objects.get(pk=wallet.pk).balance == Decimal("10.00")


def test_an_overdraft_writes_nothing(accounts):
    _source, wallet, shop, user = accounts
    done, key = _post(wallet, shop, user, amount="10.01")
    assert done is None
    assert not Transaction.objects.filter(idempotency_key=key).exists()
    assert services.balance(wallet) == Decimal("10.00")


def test_an_account_of_another_ledger_writes_nothing(accounts):
    """An account object that claims the ledger (as a stale or forged one could) is checked in SQL."""
    _source, wallet, _shop, user = accounts
    other = services.open_ledger(code="with-other", name="另一台账", kind="points")
    stranger = services.open_account(other, code="shop", name="别处的超市")
    stranger.ledger_id = wallet.ledger_id
    done, key = _post(wallet, stranger, user)
    assert done is None
    assert not Transaction.objects.filter(idempotency_key=key).exists()
    assert Account.objects.get(pk=wallet.pk).balance == Decimal("10.00")
