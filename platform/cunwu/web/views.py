"""Pages of a county's host: the home page listing the enabled modules, and the policy in force."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from cunwu.plugins.host import hooks_for, installed_plugins
from cunwu.roles.permissions import role_required
from cunwu.tenancy.models import PolicyVersion
from cunwu.web.policy_history import json_diff, pretty_json


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Cards for the user's menu (the context's ``menu``) and the plugins the county has enabled."""
    enabled = hooks_for(request.county).enabled
    plugins = [info for slug, info in sorted(installed_plugins().items()) if slug in enabled]
    return render(request, "web/home.html", {"plugins": plugins})


def _chosen_version(
    versions: list[PolicyVersion], wanted: str | None, default: PolicyVersion
) -> PolicyVersion:
    if not wanted:
        return default
    for version in versions:
        if str(version.number) == wanted:
            return version
    raise Http404("no such policy version")


@role_required("county_admin")
def policy(request: HttpRequest) -> HttpResponse:
    """The version in force, the history, and one version (``?v=<number>``) with its diff to the previous."""
    versions = list(PolicyVersion.objects.filter(county=request.county).order_by("-number"))
    in_force = PolicyVersion.in_force(request.county)
    context = {"versions": versions, "in_force": in_force, "today": timezone.localdate()}
    if versions:
        shown = _chosen_version(versions, request.GET.get("v"), default=in_force or versions[0])
        previous = next((v for v in versions if v.number < shown.number), None)
        diff = (
            json_diff(previous.pack, shown.pack, old_name=f"v{previous.number}", new_name=f"v{shown.number}")
            if previous
            else []
        )
        context.update(shown=shown, shown_json=pretty_json(shown.pack), previous=previous, diff=diff)
    return render(request, "web/policy.html", context)
