"""The audit log as an .xlsx workbook (openpyxl, write-only mode: constant memory)."""

from __future__ import annotations

import json
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from cunwu.audit.models import AuditEntry
from cunwu.exports import workbook_bytes

EXPORT_LIMIT = 100_000


def _json(value: object) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def audit_workbook(entries: Iterable[AuditEntry]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("操作日志"))
    sheet.append(
        [_("时间"), _("操作人"), _("操作人ID"), _("操作"), _("对象类型"), _("对象ID"), _("对象"),
         _("变更字段"), _("变更前"), _("变更后"), _("理由"), _("IP地址"), _("客户端")]
    )  # fmt: skip
    for entry in entries:
        target_type = entry.target_type
        sheet.append(
            [
                timezone.localtime(entry.created_at).replace(tzinfo=None),
                entry.actor_name,
                entry.actor_id,
                entry.action,
                f"{target_type.app_label}.{target_type.model}" if target_type else "",
                entry.target_id,
                entry.target_repr,
                ", ".join(entry.changed_fields),
                _json(entry.before),
                _json(entry.after),
                entry.reason,
                entry.ip_address or "",
                entry.user_agent,
            ]
        )
    return workbook_bytes(workbook)
