"""Fixtures of the ledger tests: a ledger with a source (may go negative) and two guarded accounts."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cunwu.ledger import services


@pytest.fixture
def ledger(county_a):
    return services.open_ledger(code="test-points", name="测试积分台账", kind="points")


@pytest.fixture
def source(ledger):
    return services.open_account(ledger, code="issue", name="积分发放", allow_negative=True)


@pytest.fixture
def wallet(ledger, source):
    """A guarded account holding 100.00."""
    account = services.open_account(ledger, code="wallet", name="村民甲")
    services.transfer(debit=source, credit=account, amount=Decimal("100.00"), memo="发放", actor=None)
    account.refresh_from_db()
    return account


@pytest.fixture
def shop(ledger):
    return services.open_account(ledger, code="shop", name="积分超市")
