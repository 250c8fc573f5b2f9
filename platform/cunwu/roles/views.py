"""The people & roles page: who holds which role where; county admins grant, revoke and add accounts."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cunwu.accounts.services import create_account
from cunwu.roles import services
from cunwu.roles.catalogue import roles_for
from cunwu.roles.forms import AccountForm, GrantForm
from cunwu.roles.models import RoleAssignment
from cunwu.roles.permissions import has_role, role_required, scope_q

PAGE_SIZE = 30


@role_required("township_official")
def index(request: HttpRequest) -> HttpResponse:
    """County admins see everyone; a township official the people holding roles in their township."""
    is_admin = has_role(request.user, "county_admin")
    assignments = RoleAssignment.objects.active().select_related("org_unit").order_by("role")
    if not is_admin:
        assignments = assignments.filter(
            scope_q(request.user, "township_official", path_field="org_unit__path")
        )
    people = get_user_model().objects.order_by("username")
    if not is_admin:
        people = people.filter(pk__in=assignments.values("user_id"))
    query = request.GET.get("q", "").strip()
    if query:
        people = people.filter(Q(username__icontains=query) | Q(display_name__icontains=query))
    people = people.prefetch_related(
        Prefetch("role_assignments", queryset=assignments, to_attr="active_roles")
    )
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    names = {code: role.name for code, role in roles_for().items()}
    for person in page:
        for assignment in person.active_roles:
            assignment.role_name = names.get(assignment.role, assignment.role)
    return render(
        request,
        "roles/index.html",
        {
            "page": page,
            "q": query,
            "is_admin": is_admin,
            "grant_form": GrantForm() if is_admin else None,
            "account_form": AccountForm() if is_admin else None,
        },
    )


@role_required("county_admin")
@require_POST
def grant(request: HttpRequest) -> HttpResponse:
    form = GrantForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.grant(data["user"], data["role"], org_unit=data["org_unit"], actor=request.user)
            messages.success(request, _("已授予角色。"))
        except ValidationError as invalid:
            messages.error(request, " ".join(invalid.messages))
    else:
        messages.error(
            request, _("授予失败:") + " ".join(e for errors in form.errors.values() for e in errors)
        )
    return redirect("roles:index")


@role_required("county_admin")
@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = get_object_or_404(RoleAssignment, pk=pk)
    services.revoke(assignment, actor=request.user, reason=request.POST.get("reason", "")[:200])
    messages.success(request, _("已撤销角色。"))
    return redirect("roles:index")


@role_required("county_admin")
@require_POST
def add_account(request: HttpRequest) -> HttpResponse:
    form = AccountForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            create_account(
                username=data["username"],
                password=data["password"],
                display_name=data["display_name"],
                resident_id=data["resident_id_card"],
                actor=request.user,
            )
            messages.success(request, _("已创建账号 %(name)s。") % {"name": data["username"]})
        except ValidationError as invalid:
            messages.error(request, " ".join(invalid.messages))
    else:
        messages.error(
            request, _("创建失败:") + " ".join(e for errors in form.errors.values() for e in errors)
        )
    return redirect("roles:index")
