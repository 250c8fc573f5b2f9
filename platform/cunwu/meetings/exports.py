"""The 签到册 of a meeting as an .xlsx workbook."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from cunwu.exports import workbook_bytes
from cunwu.meetings.models import Meeting
from cunwu.meetings.quorum import quorum_status


def attendance_workbook(meeting: Meeting) -> bytes:
    status = quorum_status(meeting)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("签到册")
    sheet.append([str(meeting.body), meeting.held_on, meeting.place])
    sheet.append(
        [
            _("到会表决成员"),
            status.present,
            _("应到"),
            status.seats,
            _("达到法定人数"),
            _("是") if status.met else _("否"),
        ]
    )
    sheet.append([])
    sheet.append([_("序号"), _("姓名"), _("身份"), _("签到方式"), _("签到时间")])
    attendances = meeting.attendances.select_related("resident").order_by("-voting", "signed_at", "id")
    for number, attendance in enumerate(attendances, start=1):
        sheet.append(
            [
                number,
                attendance.resident.name,
                _("成员") if attendance.voting else _("列席"),
                attendance.get_via_display(),
                timezone.localtime(attendance.signed_at).replace(tzinfo=None),
            ]
        )
    return workbook_bytes(workbook)
