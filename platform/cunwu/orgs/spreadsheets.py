"""Workbooks officials download: the import template and the residents export (personal data masked)."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from cunwu.exports import workbook_bytes
from cunwu.orgs.importing import ORG_COLUMNS, ORG_SHEET, RESIDENT_COLUMNS, RESIDENT_SHEET
from cunwu.orgs.models import Resident

TEXT_COLUMNS = {"户号", "身份证号", "手机号"}  # stored as text so Excel keeps all 18 digits


def _header(sheet, columns: Iterable[str]) -> None:
    sheet.append(list(columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        sheet.column_dimensions[cell.column_letter].width = 20 if cell.value in TEXT_COLUMNS else 12
        if cell.value in TEXT_COLUMNS:
            for row in range(2, 5002):
                sheet.cell(row=row, column=cell.column).number_format = "@"


def template_workbook() -> bytes:
    """The import template: residents sheet, optional organisation sheet, and instructions."""
    workbook = Workbook()
    residents = workbook.active
    residents.title = RESIDENT_SHEET
    _header(residents, RESIDENT_COLUMNS)
    _header(workbook.create_sheet(ORG_SHEET), ORG_COLUMNS)
    notes = workbook.create_sheet(_("填写说明"))
    for line in (
        _("“村民”表:乡镇、村(社区)、村民小组、姓名必填;村民小组须已存在或在“组织机构”表中列出。"),
        _("身份证号:18位,校验码须正确;手机号:11位;户主、党员填“是”或“否”。"),
        _("同一户的成员填写相同户号;每户可有一名户主。"),
        _("整个文件全部正确才会导入;有任何错误则一行也不导入,并列出错误所在的行、列和原因。"),
        _("“组织机构”表(可选):新增的乡镇、村(社区)、村民小组,按名称匹配已有单位。"),
    ):
        notes.append([line])
    return workbook_bytes(workbook)


def residents_workbook(residents: Iterable[Resident]) -> bytes:
    """The residents list as .xlsx; ID-card and phone numbers are always masked in exports."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(RESIDENT_SHEET)
    sheet.append(["乡镇", "村(社区)", "村民小组", "户号", "姓名", "性别", "身份证号", "手机号", "党员"])
    for resident in residents:
        group = resident.group
        village = group.parent
        sheet.append(
            [
                village.parent.name if village else "",
                village.name if village else "",
                group.name,
                resident.household.number if resident.household_id else "",
                resident.name,
                resident.get_gender_display(),
                resident.id_card_masked,
                resident.phone_masked,
                _("是") if resident.is_party_member else _("否"),
            ]
        )
    return workbook_bytes(workbook)
