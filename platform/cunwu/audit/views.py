"""Pages of the audit log: a filterable, paginated list, one entry's before/after, and the export."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from cunwu.audit.exports import EXPORT_LIMIT, audit_workbook
from cunwu.audit.filters import AuditEntryFilter
from cunwu.audit.selectors import READER_ROLES, visible_entries
from cunwu.exports import xlsx_response
from cunwu.roles.permissions import role_required

PAGE_SIZE = 50


def _filtered(request: HttpRequest) -> AuditEntryFilter:
    return AuditEntryFilter(request.GET, queryset=visible_entries(request.user))


@role_required(*READER_ROLES)
def index(request: HttpRequest) -> HttpResponse:
    filtered = _filtered(request)
    page = Paginator(filtered.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/index.html",
        {"filter": filtered, "page": page, "query": query.urlencode()},
    )


@role_required(*READER_ROLES)
def export(request: HttpRequest) -> HttpResponse:
    entries = _filtered(request).qs[:EXPORT_LIMIT]
    return xlsx_response(audit_workbook(entries), f"audit-{timezone.localdate():%Y%m%d}.xlsx")


@role_required(*READER_ROLES)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(visible_entries(request.user), pk=pk)
    before, after = entry.before or {}, entry.after or {}
    rows = [
        {
            "field": key,
            "before": before.get(key),
            "after": after.get(key),
            "changed": key in entry.changed_fields,
        }
        for key in sorted(before.keys() | after.keys())
    ]
    return render(request, "audit/detail.html", {"entry": entry, "rows": rows})
