"""Errors a posting can raise; messages are Chinese first (gettext)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _


class LedgerError(Exception):
    """Base class: the posting was refused and nothing was written."""


class InvalidPosting(LedgerError, ValueError):
    """The request itself is malformed (amount, accounts of different ledgers, …)."""


class InsufficientBalance(LedgerError):
    def __init__(self, account, amount: Decimal) -> None:
        self.account = account
        self.amount = amount
        super().__init__(
            _("账户“%(account)s”余额不足,无法支出 %(amount)s") % {"account": account, "amount": amount}
        )


class IdempotencyConflict(LedgerError):
    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(_("幂等键“%(key)s”已用于另一笔不同内容的记账") % {"key": key})


class AlreadyReversed(LedgerError):
    def __init__(self, transaction) -> None:
        self.transaction = transaction
        super().__init__(_("交易 #%(id)s 已被冲正") % {"id": transaction.pk})
