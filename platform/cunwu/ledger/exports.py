"""An account statement as an .xlsx workbook (openpyxl write-only: constant memory)."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from cunwu.exports import workbook_bytes
from cunwu.ledger.models import Account, Entry


def statement_workbook(account: Account, entries: Iterable[Entry]) -> bytes:
    """One row per entry, oldest first, with the running balance (entries annotated ``running``)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("账户明细"))
    sheet.append([_("台账"), account.ledger.name, _("账户"), f"{account.name} ({account.code})"])
    sheet.append([_("时间"), _("交易"), _("摘要"), _("经办人"), _("金额"), _("余额"), _("序号"), _("哈希")])
    for entry in entries:
        txn = entry.transaction
        sheet.append(
            [
                timezone.localtime(txn.created_at).replace(tzinfo=None),
                txn.pk,
                txn.memo,
                txn.actor_name,
                entry.amount,
                entry.running,
                entry.sequence,
                entry.hash,
            ]
        )
    return workbook_bytes(workbook)
