"""Excel downloads: every workbook an official exports leaves through here.

Modules build their own workbooks with openpyxl (what goes in a sheet is theirs); turning one into
bytes and into a download with a correct (possibly Chinese) filename is the same everywhere.
"""

from __future__ import annotations

from io import BytesIO

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from openpyxl import Workbook

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    """An attachment download of an .xlsx workbook (RFC 6266 filename, so 村民导入模板.xlsx survives)."""
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
