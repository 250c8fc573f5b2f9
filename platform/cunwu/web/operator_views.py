"""Pages of the platform operator's host: the counties, and onboarding from a policy pack."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from cunwu.policy.packs import PackRefused, validate_pack
from cunwu.tenancy.models import County, Domain, PolicyVersion
from cunwu.tenancy.onboarding import onboard
from cunwu.web.forms import PolicyPackForm
from cunwu.web.permissions import operator_required


@dataclass
class CountyRow:
    county: County
    domains: list[Domain]
    plugins: list[str]
    in_force: PolicyVersion | None
    latest: PolicyVersion | None
    version_count: int
    scheme: str
    port: str


@operator_required
def operator_home(request: HttpRequest) -> HttpResponse:
    counties = County.objects.exclude(schema_name=settings.PUBLIC_SCHEMA_NAME).prefetch_related(
        "domains", "plugin_enablements", "policy_versions"
    )
    port = request.get_port()
    port_suffix = "" if port in ("80", "443") else f":{port}"
    rows = []
    for county in counties:
        versions = sorted(county.policy_versions.all(), key=lambda v: v.number, reverse=True)
        rows.append(
            CountyRow(
                county=county,
                domains=sorted(county.domains.all(), key=lambda d: (not d.is_primary, d.domain)),
                plugins=sorted(e.plugin for e in county.plugin_enablements.all() if e.enabled),
                in_force=PolicyVersion.in_force(county),
                latest=versions[0] if versions else None,
                version_count=len(versions),
                scheme=request.scheme,
                port=port_suffix,
            )
        )
    return render(request, "web/operator_home.html", {"rows": rows})


@operator_required
def onboard_county(request: HttpRequest) -> HttpResponse:
    """Validate the pack and onboard; a refused pack lists every problem and changes nothing."""
    form = PolicyPackForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            result = onboard(validate_pack(form.cleaned_data["text"]), actor=request.user.get_username())
        except PackRefused as refused:
            problems = refused.problems
        else:
            verb = _("已接入") if result.created else _("已更新")
            messages.success(
                request,
                _("%(verb)s %(county)s，现行政策版本 v%(number)s。")
                % {"verb": verb, "county": result.county, "number": result.policy_version.number},
            )
            return redirect("web:home")
    status = 422 if problems else 200
    return render(request, "web/onboard.html", {"form": form, "problems": problems}, status=status)
