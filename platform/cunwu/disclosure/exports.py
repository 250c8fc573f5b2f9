"""The notices list as an .xlsx workbook (openpyxl), for officials who file or forward it."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from cunwu.disclosure.models import Notice
from cunwu.exports import workbook_bytes, xlsx_response


def notices_workbook(notices: QuerySet[Notice]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("公示")
    sheet.append(
        [
            _("单位"),
            _("类别"),
            _("标题"),
            _("公示开始"),
            _("公示截止"),
            _("天数"),
            _("状态"),
            _("发布人"),
            _("内容哈希"),
        ]
    )
    for notice in notices:
        state = _("已更正") if notice.corrected else (_("已结束") if notice.period_ended else _("公示中"))
        sheet.append(
            [
                notice.org_unit.name,
                notice.kind,
                notice.title,
                notice.first_day,
                notice.last_day,
                notice.min_days,
                state,
                str(notice.posted_by),
                notice.content_hash,
            ]
        )
    sheet.freeze_panes = "A2"
    return workbook_bytes(book)


def notices_workbook_response(notices: QuerySet[Notice]) -> HttpResponse:
    return xlsx_response(notices_workbook(notices), f"notices-{timezone.localdate():%Y%m%d}.xlsx")
