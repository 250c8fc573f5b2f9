"""Pages of meetings for village secretaries and committee members (run) and supervisors (read).

The meeting page is the working surface on the day: sign people in (htmx search of the village's
residents, members first), record minutes and decisions; the 签到册 and minutes print on A4.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cunwu.exports import xlsx_response
from cunwu.meetings import services
from cunwu.meetings.errors import MeetingError
from cunwu.meetings.exports import attendance_workbook
from cunwu.meetings.forms import DecisionForm, MinutesForm, ScheduleForm, SignInForm
from cunwu.meetings.models import Meeting
from cunwu.meetings.quorum import current_members, quorum_status
from cunwu.meetings.selectors import (
    MANAGER_ROLES,
    READER_ROLES,
    may_run,
    sign_in_candidates,
    visible_meetings,
)
from cunwu.roles.permissions import has_role, role_required

PAGE_SIZE = 20


def _meeting(request: HttpRequest, pk: int, *, run: bool = False) -> Meeting:
    meeting = get_object_or_404(visible_meetings(request.user), pk=pk)
    if run and not may_run(request.user, meeting):
        raise PermissionDenied
    return meeting


@role_required(*READER_ROLES)
def index(request: HttpRequest) -> HttpResponse:
    meetings = visible_meetings(request.user)
    query = request.GET.get("q", "").strip()
    if query:
        meetings = meetings.filter(
            Q(agenda__icontains=query) | Q(place__icontains=query) | Q(body__name__icontains=query)
        )
    page = Paginator(meetings, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "q": query,
        "may_schedule": has_role(request.user, *MANAGER_ROLES),
    }
    return render(request, "meetings/index.html", context)


@role_required(*MANAGER_ROLES)
def schedule(request: HttpRequest) -> HttpResponse:
    form = ScheduleForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.schedule_meeting(**form.cleaned_data, actor=request.user)
        except MeetingError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("会议已安排。"))
            return redirect("meetings:detail", pk=meeting.pk)
    return render(request, "meetings/schedule.html", {"form": form})


def _detail_context(request: HttpRequest, meeting: Meeting) -> dict:
    return {
        "meeting": meeting,
        "quorum": quorum_status(meeting),
        "attendances": meeting.attendances.select_related("resident").order_by("-voting", "signed_at"),
        "decisions": meeting.decisions.all(),
        "may_run": may_run(request.user, meeting),
    }


@role_required(*READER_ROLES)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    context = _detail_context(request, meeting) | {
        "minutes_form": MinutesForm(initial={"text": meeting.minutes}),
        "decision_form": DecisionForm(),
    }
    return render(request, "meetings/detail.html", context)


@role_required(*MANAGER_ROLES)
def candidates(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx: residents of the village matching the search, members of the body first."""
    meeting = _meeting(request, pk, run=True)
    found = sign_in_candidates(meeting, request.GET.get("q", "").strip())
    return render(request, "meetings/_candidates.html", {"meeting": meeting, "candidates": found})


@require_POST
@role_required(*MANAGER_ROLES)
def sign_in(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk, run=True)
    form = SignInForm(request.POST, meeting=meeting)
    error, signed_ids = "", []
    if not form.is_valid():
        error = _("请选择本村在册的签到人员。")
    else:
        residents = form.cleaned_data["residents"]
        try:
            services.sign_in(meeting, residents, via=form.cleaned_data["via"], actor=request.user)
        except MeetingError as refused:
            error = refused.message
        else:
            signed_ids = [resident.pk for resident in residents]
    if request.headers.get("HX-Request"):
        context = _detail_context(request, meeting) | {"error": error, "signed_ids": signed_ids}
        response = render(request, "meetings/_signed.html", context)
        if signed_ids:
            # The search list asks again (after any search still on its way, which would list them).
            response["HX-Trigger"] = "attendance-changed"
        return response
    if error:
        messages.error(request, error)
    return redirect("meetings:detail", pk=meeting.pk)


@require_POST
@role_required(*MANAGER_ROLES)
def minutes(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk, run=True)
    form = MinutesForm(request.POST)
    try:
        if not form.is_valid():
            raise MeetingError(_("会议记录不能为空。"))
        services.record_minutes(meeting, text=form.cleaned_data["text"], actor=request.user)
    except MeetingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("会议记录已保存。"))
    return redirect("meetings:detail", pk=meeting.pk)


@require_POST
@role_required(*MANAGER_ROLES)
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk, run=True)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            decision = services.record_decision(meeting, **form.cleaned_data, actor=request.user)
        except MeetingError as error:
            form.add_error(None, error.message)
        else:
            outcome = _("通过") if decision.passed else _("未通过")
            messages.success(
                request,
                _("表决已记录:%(title)s,%(outcome)s。") % {"title": decision.title, "outcome": outcome},
            )
            return redirect("meetings:detail", pk=meeting.pk)
    context = _detail_context(request, meeting) | {
        "minutes_form": MinutesForm(initial={"text": meeting.minutes}),
        "decision_form": form,
    }
    return render(request, "meetings/detail.html", context, status=400)


@role_required(*READER_ROLES)
def sheet(request: HttpRequest, pk: int) -> HttpResponse:
    """Printable 签到册: every current member with a signature box, then the non-voting attendees."""
    meeting = _meeting(request, pk)
    signed = {a.resident_id: a for a in meeting.attendances.select_related("resident")}
    members = (
        current_members(meeting.body, meeting.held_on).select_related("resident").order_by("resident__name")
    )
    rows = [
        {"resident": m.resident, "position": m.position, "attendance": signed.pop(m.resident_id, None)}
        for m in members
    ]
    guests = sorted(signed.values(), key=lambda a: a.signed_at)
    context = {"meeting": meeting, "rows": rows, "guests": guests, "quorum": quorum_status(meeting)}
    return render(request, "meetings/sheet.html", context)


@role_required(*READER_ROLES)
def minutes_print(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    return render(request, "meetings/minutes_print.html", _detail_context(request, meeting))


@role_required(*READER_ROLES)
def attendance_export(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    return xlsx_response(
        attendance_workbook(meeting), f"sign-in-{meeting.pk}-{timezone.localdate():%Y%m%d}.xlsx"
    )
