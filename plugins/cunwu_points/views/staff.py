"""Registrar and reviewer pages: register one behaviour, bulk entry, the review queue."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from cunwu.orgs.models import Resident
from cunwu.roles.permissions import role_required, scope_q
from cunwu_points.errors import PointsError
from cunwu_points.forms import BulkForm, RegisterForm
from cunwu_points.models import PointsEvent
from cunwu_points.scoping import REGISTRAR, REVIEWER, villages_for
from cunwu_points.services import events
from cunwu_points.views.common import page_of


def _residents(request: HttpRequest):
    residents = Resident.objects.filter(scope_q(request.user, REGISTRAR, path_field="org_path"), active=True)
    q = request.GET.get("q", "").strip()
    return residents.filter(name__contains=q) if q else residents


@role_required(REGISTRAR)
def register(request: HttpRequest) -> HttpResponse:
    villages = villages_for(request.user, REGISTRAR)
    form = RegisterForm(
        request.POST or None, request.FILES or None, villages=villages, residents=_residents(request)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            events.register(
                data["resident"],
                data["rule"],
                occurred_on=data["occurred_on"],
                note=data["note"],
                photo=data["photo"],
                actor=request.user,
            )
        except PointsError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("已登记, 等待审核。"))
            return redirect("points:register")
    mine = PointsEvent.objects.filter(registered_by=request.user).select_related(
        "rule", "passbook__resident", "passbook__household__head"
    )
    return render(
        request,
        "cunwu_points/register.html",
        {"form": form, "page": page_of(request, mine), "q": request.GET.get("q", "")},
    )


@role_required(REGISTRAR)
def bulk(request: HttpRequest) -> HttpResponse:
    villages = villages_for(request.user, REGISTRAR)
    form = BulkForm(request.POST or None, villages=villages, residents=_residents(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            batch = events.register_bulk(
                data["residents"],
                data["rule"],
                occurred_on=data["occurred_on"],
                title=data["title"],
                note=data["note"],
                actor=request.user,
            )
        except PointsError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("已为 %s 人登记, 等待审核。") % batch.events.count())
            return redirect("points:register")
    return render(request, "cunwu_points/bulk.html", {"form": form})


@role_required(REVIEWER)
def review(request: HttpRequest) -> HttpResponse:
    pending = (
        PointsEvent.objects.filter(
            scope_q(request.user, REVIEWER, path_field="passbook__book__village__path"),
            status=PointsEvent.Status.PENDING,
        )
        .select_related("rule", "passbook__resident", "passbook__household__head", "registered_by")
        .order_by("registered_at")
    )
    return render(
        request,
        "cunwu_points/review.html",
        {"page": page_of(request, pending)},
    )


@role_required(REVIEWER)
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method != "POST":
        return redirect("points:review")
    event = get_object_or_404(
        PointsEvent.objects.filter(
            scope_q(request.user, REVIEWER, path_field="passbook__book__village__path")
        ),
        pk=pk,
    )
    reason = request.POST.get("reason", "")
    try:
        if request.POST.get("decision") == "approve":
            events.approve(event, actor=request.user, reason=reason)
            messages.success(request, _("已通过, 积分已记入存折。"))
        else:
            events.reject(event, actor=request.user, reason=reason)
            messages.success(request, _("已驳回。"))
    except PointsError as refused:
        messages.error(request, str(refused))
    return redirect("points:review")
