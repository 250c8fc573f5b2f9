"""Who may read which ledgers, accounts and transactions (pages and API share these).

Finance offices and supervisory committees read the ledgers of the org units they hold the role on
(county-wide holders and county admins: every ledger); a villager reads only the accounts owned by
their own resident record and the transactions that touch them.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from cunwu.ledger.models import Account, Ledger, Transaction
from cunwu.roles.permissions import has_role, scope_q

READER_ROLES = ("township_finance", "supervisory_member")
# Recording a checkpoint is a finance office's act (county admins imply every role).
CHECKPOINT_ROLES = ("township_finance",)
RESIDENT_OWNER = "orgs.resident"


def is_reader(user: Any) -> bool:
    return has_role(user, *READER_ROLES)


def visible_ledgers(user: Any) -> QuerySet[Ledger]:
    return Ledger.objects.filter(scope_q(user, *READER_ROLES, path_field="org_unit__path"))


def _own_accounts_q(user: Any) -> Q:
    resident_id = getattr(user, "resident_id", None)
    if resident_id is None:
        return Q(pk__in=[])
    return Q(owner_type=RESIDENT_OWNER, owner_id=resident_id)


def visible_accounts(user: Any) -> QuerySet[Account]:
    return Account.objects.filter(Q(ledger__in=visible_ledgers(user)) | _own_accounts_q(user))


def visible_transactions(user: Any) -> QuerySet[Transaction]:
    own = Account.objects.filter(_own_accounts_q(user))
    return Transaction.objects.filter(
        Q(ledger__in=visible_ledgers(user)) | Q(debit__in=own) | Q(credit__in=own)
    )


def can_record_checkpoint(user: Any, ledger: Ledger) -> bool:
    return has_role(user, *CHECKPOINT_ROLES, org_unit=ledger.org_unit)
