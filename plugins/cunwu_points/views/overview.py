"""Overview pages: the plugin's start page, the red and black lists, and the township's report."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from cunwu.exports import xlsx_response
from cunwu.roles.permissions import has_role, role_required, units_for
from cunwu_points import reports
from cunwu_points.models import PointsEvent, QuarterlyList, ReportingReminder
from cunwu_points.policy import parameters
from cunwu_points.scoping import OPERATOR, REGISTRAR, REVIEWER, SUPERVISORS, villages_for
from cunwu_points.services.rankings import honour_candidates
from cunwu_points.views.common import page_of


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    roles = {code: has_role(user, code) for code in (REGISTRAR, REVIEWER, OPERATOR)}
    pending = 0
    if roles[REVIEWER]:
        pending = PointsEvent.objects.filter(
            passbook__book__village__in=villages_for(user, REVIEWER), status=PointsEvent.Status.PENDING
        ).count()
    return render(
        request,
        "cunwu_points/index.html",
        {
            "roles": roles,
            "supervisor": has_role(user, *SUPERVISORS),
            "villager": bool(user.resident_id),
            "pending": pending,
            "policy": parameters(),
        },
    )


@login_required
def lists(request: HttpRequest) -> HttpResponse:
    """Published lists: what was posted as a 公示, names as posted."""
    published = QuarterlyList.objects.select_related("village", "notice").prefetch_related("entries")
    village = request.GET.get("village", "")
    if village.isdigit():
        published = published.filter(village_id=int(village))
    return render(
        request,
        "cunwu_points/lists.html",
        {"page": page_of(request, published)},
    )


def _top_units(user):
    units = list(units_for(user, *SUPERVISORS))
    return [u for u in units if not any(u.path.startswith(o.path + "/") for o in units)]


@role_required(*SUPERVISORS)
def report(request: HttpRequest) -> HttpResponse:
    """Issued, redeemed, outstanding and participation for the user's township (or county), with .xlsx."""
    try:
        year = int(request.GET.get("year", timezone.localdate().year))
    except ValueError:
        year = timezone.localdate().year
    total = reports.rollup(_top_units(request.user), year, request.county.name)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(reports.figures_xlsx(total, year), f"points-{year}.xlsx")
    villages = villages_for(request.user, *SUPERVISORS)
    today = timezone.localdate()
    return render(
        request,
        "cunwu_points/report.html",
        {
            "year": year,
            "total": total,
            "top_rules": reports.top_rules(villages, year),
            "volume": reports.registrar_volume(villages, today.replace(day=1), today),
            "reminders": ReportingReminder.objects.filter(year=year),
            "calendar": [(item, item.due_in(year)) for item in parameters().reporting_calendar],
            "honours": [
                (village, honour, honour_candidates(village, year, honour))
                for village in villages
                for honour in parameters().honours
            ],
        },
    )
