"""Pages of the organisation: the tree, residents (search, export, detail with a logged unmask), bodies
with their members, and the import page with its template, progress and per-row error report."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cunwu.exports import xlsx_response
from cunwu.orgs import scoping, services
from cunwu.orgs.api import build_tree
from cunwu.orgs.forms import ImportForm, ResidentForm, ResidentSearchForm
from cunwu.orgs.importing import import_upload
from cunwu.orgs.models import Body, ImportJob, Resident
from cunwu.orgs.spreadsheets import residents_workbook, template_workbook
from cunwu.orgs.validators import MOBILE
from cunwu.pii.access import can_reveal, reveal
from cunwu.pii.crypto import lookup_hash
from cunwu.roles.permissions import role_required

PAGE_SIZE = 30
EXPORT_LIMIT = 50_000


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The organisation tree the user may see, with the number of residents they may see under each unit."""
    units = list(scoping.visible_units(request.user).order_by("path"))
    per_group = dict(
        scoping.visible_residents(request.user)
        .values("group_id")
        .annotate(n=Count("id"))
        .values_list("group_id", "n")
    )
    tree = build_tree(units)

    def count(nodes: list[dict]) -> int:
        total = 0
        for node in nodes:
            node["residents"] = per_group.get(node["id"], 0) + count(node["children"])
            total += node["residents"]
        return total

    count(tree)
    return render(request, "orgs/index.html", {"tree": tree})


def _is_personal_number(query: str) -> bool:
    return len(query) == 18 or bool(MOBILE.match(query))


def _searched_residents(request: HttpRequest, form: ResidentSearchForm) -> QuerySet[Resident]:
    residents = scoping.visible_residents(request.user).select_related("group__parent__parent", "household")
    if not form.is_valid():
        return residents.none()
    query = form.cleaned_data["q"].strip()
    digest = form.cleaned_data["h"] or (lookup_hash(query) if _is_personal_number(query) else "")
    if digest:
        residents = residents.filter(Q(id_card_hash=digest) | Q(phone_hash=digest))
    elif query:
        residents = residents.filter(name__contains=query)
    unit = form.cleaned_data.get("unit")
    if unit is not None:
        residents = residents.filter(Q(org_path=unit.path) | Q(org_path__startswith=unit.path + "/"))
    return residents.order_by("org_path", "name", "id")


@role_required(*scoping.STAFF_ROLES)
def residents(request: HttpRequest) -> HttpResponse:
    """The residents list. The search form is POSTed and answered with a redirect whose URL holds a
    name, or the keyed hash of an ID-card/phone number — never the number (URLs end up in logs)."""
    if request.method == "POST":
        query = request.POST.get("q", "").strip()
        params = {"unit": request.POST.get("unit", "")}
        params.update({"h": lookup_hash(query)} if _is_personal_number(query) else {"q": query})
        return redirect(f"{request.path}?{urlencode({k: v for k, v in params.items() if v})}")
    form = ResidentSearchForm(request.GET, user=request.user)
    page = Paginator(_searched_residents(request, form), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "orgs/residents.html", {"form": form, "page": page, "query": query.urlencode()})


@role_required(*scoping.STAFF_ROLES)
def residents_export(request: HttpRequest) -> HttpResponse:
    """The searched residents as .xlsx, personal numbers masked."""
    form = ResidentSearchForm(request.GET, user=request.user)
    rows = _searched_residents(request, form)[:EXPORT_LIMIT]
    return xlsx_response(residents_workbook(rows), f"residents-{timezone.localdate():%Y%m%d}.xlsx")


@role_required(*scoping.REGISTRAR_ROLES)
def resident_new(request: HttpRequest) -> HttpResponse:
    """Register one resident in a group the user is registrar of."""
    form = ResidentForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            resident = services.register_resident(actor=request.user, **form.cleaned_data)
        except ValidationError as invalid:
            for field, errors in invalid.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("已登记村民 %(name)s。") % {"name": resident.name})
            return redirect("orgs:resident", pk=resident.pk)
    return render(request, "orgs/resident_form.html", {"form": form})


@login_required
def resident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    resident = get_object_or_404(
        scoping.visible_residents(request.user).select_related("group__parent__parent", "household"), pk=pk
    )
    memberships = resident.memberships.select_related("body").order_by("-start_date")
    return render(
        request,
        "orgs/resident_detail.html",
        {
            "resident": resident,
            "memberships": memberships,
            "may_reveal": can_reveal(request.user, resident, org_unit=resident.group),
        },
    )


@login_required
@require_POST
def resident_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx: replace the masked numbers with the clear ones; refused without permission, always logged."""
    resident = get_object_or_404(scoping.visible_residents(request.user).select_related("group"), pk=pk)
    values = reveal(
        resident,
        actor=request.user,
        org_unit=resident.group,
        reason=request.POST.get("reason", "")[:200],
        request=request,
    )
    return render(request, "orgs/_personal_data.html", {"resident": resident, "values": values})


@login_required
def bodies(request: HttpRequest) -> HttpResponse:
    """The bodies the user may see, with their current members."""
    visible = (
        scoping.visible_bodies(request.user).select_related("org_unit").order_by("org_unit__path", "kind")
    )
    kind = request.GET.get("kind", "")
    if kind in Body.Kind.values:
        visible = visible.filter(kind=kind)
    visible = visible.annotate(
        current_members=Count(
            "memberships",
            filter=Q(memberships__start_date__lte=timezone.localdate())
            & (Q(memberships__end_date__isnull=True) | Q(memberships__end_date__gte=timezone.localdate())),
        )
    )
    page = Paginator(visible, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "orgs/bodies.html",
        {"page": page, "kinds": Body.Kind.choices, "kind": kind},
    )


@login_required
def body_detail(request: HttpRequest, pk: int) -> HttpResponse:
    body = get_object_or_404(scoping.visible_bodies(request.user).select_related("org_unit"), pk=pk)
    members = body.memberships.select_related("resident").order_by("end_date", "start_date")
    return render(request, "orgs/body_detail.html", {"body": body, "members": members})


@role_required("county_admin")
def imports(request: HttpRequest) -> HttpResponse:
    """Upload page: template download, the upload form, and recent imports."""
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = import_upload(form.cleaned_data["file"], actor=request.user)
        return redirect("orgs:import_job", pk=job.pk)
    jobs = ImportJob.objects.select_related("created_by")[:20]
    return render(request, "orgs/imports.html", {"form": form, "jobs": jobs})


@role_required("county_admin")
def import_template(request: HttpRequest) -> HttpResponse:
    return xlsx_response(template_workbook(), "村民导入模板.xlsx")


@role_required("county_admin")
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    """One import: its progress (polled by htmx every second while it runs) and its error report."""
    job = get_object_or_404(ImportJob, pk=pk)
    template = "orgs/_import_progress.html" if request.headers.get("HX-Request") else "orgs/import_job.html"
    return render(request, template, {"job": job})
