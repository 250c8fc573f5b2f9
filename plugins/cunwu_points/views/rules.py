"""The 评分条例 pages: a village's versions, any version's whole table, and the working group's revise form.

Villagers read their own village's history and cadres that of the villages they work in (read-only); the
village's 积分制 working group (``REVISERS``) revises the table through ``revise_village_table``, which
makes the new version and posts it as a 公示.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from cunwu.orgs.models import OrgUnit
from cunwu.roles.permissions import has_role, role_required
from cunwu_points.errors import PointsError
from cunwu_points.models import PERIODS, RuleVersion
from cunwu_points.scoping import rules_readable_villages
from cunwu_points.services.rules import REVISERS, current_version, history, revise_village_table
from cunwu_points.views.common import page_of
from cunwu_points.views.rule_table_form import PREFIX, RuleTableFormSet, formset_for


def _village(request: HttpRequest, pk: int) -> OrgUnit:
    village = get_object_or_404(OrgUnit, pk=pk, level=OrgUnit.Level.VILLAGE)
    if not rules_readable_villages(request.user).filter(pk=village.pk).exists():
        raise PermissionDenied
    return village


def _reviser_of(request: HttpRequest, pk: int) -> OrgUnit:
    village = get_object_or_404(OrgUnit, pk=pk, level=OrgUnit.Level.VILLAGE)
    if not has_role(request.user, *REVISERS, org_unit=village):
        raise PermissionDenied
    return village


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The villages the user may read; one village goes straight to its history."""
    villages = list(rules_readable_villages(request.user).order_by("path"))
    if len(villages) == 1:
        return redirect("points:rules_history", pk=villages[0].pk)
    numbers = dict(
        RuleVersion.objects.filter(village__in=villages)
        .values("village")
        .annotate(number=Max("number"))
        .values_list("village", "number")
    )
    return render(
        request,
        "cunwu_points/rules_index.html",
        {"villages": [(village, numbers.get(village.pk)) for village in villages]},
    )


@login_required
def history_page(request: HttpRequest, pk: int) -> HttpResponse:
    village = _village(request, pk)
    page = page_of(request, RuleVersion.objects.filter(village=village).order_by("-number"))
    return render(
        request,
        "cunwu_points/rules_history.html",
        {
            "village": village,
            "page": page,
            "entries": history(village, list(page.object_list)),
            "may_revise": has_role(request.user, *REVISERS, org_unit=village),
        },
    )


@login_required
def version(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    village = _village(request, pk)
    found = get_object_or_404(RuleVersion, village=village, number=number)
    (entry,) = history(village, [found])
    periods = dict(PERIODS)
    rows = [{**rule, "period": periods.get(rule.get("limit_period"), "")} for rule in found.table]
    return render(
        request,
        "cunwu_points/rules_version.html",
        {"village": village, "entry": entry, "rows": rows, "current": current_version(village)},
    )


@role_required(*REVISERS)
def revise(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit the current table; a refused table is shown again with the reason, and nothing changes."""
    village = _reviser_of(request, pk)
    current = current_version(village)
    formset = formset_for(current.table if current else [], request.POST or None)
    refusal = ""
    if request.method == "POST" and formset.is_valid():
        try:
            made = revise_village_table(village, formset.table(), actor=request.user)
        except PointsError as refused:
            refusal = str(refused)
        else:
            if made is None:
                messages.info(request, _("评分条例没有变化, 未生成新版本。"))
            else:
                messages.success(request, _("已生成第%s版评分条例, 并已发布公示。") % made.number)
            return redirect("points:rules_history", pk=village.pk)
    elif request.method == "POST":
        refusal = _("请改正标出的错误。")
    return render(
        request,
        "cunwu_points/rules_revise.html",
        {"village": village, "current": current, "formset": formset, "refusal": refusal},
    )


@role_required(*REVISERS)
def revise_row(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx: one more blank row for the revise form, and the formset's row count raised by one."""
    village = _reviser_of(request, pk)
    try:
        index = max(0, int(request.GET.get(f"{PREFIX}-TOTAL_FORMS", "0")))
    except ValueError:
        index = 0
    form = RuleTableFormSet(prefix=PREFIX).empty_form
    form.prefix = f"{PREFIX}-{index}"
    return render(
        request,
        "cunwu_points/_rule_row.html",
        {"village": village, "form": form, "total": index + 1, "oob": True},
    )
