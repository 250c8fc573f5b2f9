"""Pages of the project workflow (``/projects/``): the village board, a project with its current step,
the township's queue, rounds of proposals and scoring, timeline, checklist, archive, year summary.

Views only read and validate; every change goes through the services, whose refusals are shown as they
are (for a step gate, the list of what is missing).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from cunwu.disclosure.errors import NoticeError
from cunwu.evidence.errors import EvidenceRejected
from cunwu.exports import workbook_bytes, xlsx_response
from cunwu.meetings.errors import MeetingError
from cunwu.orgs.models import Body, OrgUnit, Resident
from cunwu.roles.permissions import has_role, role_required, units_for
from cunwu_projects import forms, implementation, reports, selection, services
from cunwu_projects.api import VIEW_ROLES
from cunwu_projects.errors import ProjectError
from cunwu_projects.gates import PHASES, missing_for
from cunwu_projects.models import Project, ProjectStep, SelectionRound, SelfAssessment
from cunwu_projects.params import CATEGORIES

REFUSALS = (ProjectError, MeetingError, NoticeError, EvidenceRejected, ValidationError)


def _villages(user) -> Any:
    return units_for(user, *VIEW_ROLES).filter(level=OrgUnit.Level.VILLAGE)


def _project(request: HttpRequest, pk: int) -> Project:
    return get_object_or_404(
        reports.visible_projects(request.user).select_related("village", "current_step"), pk=pk
    )


def _xlsx(title: str, header: list[str], rows: list[list[Any]], filename: str) -> HttpResponse:
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    return xlsx_response(workbook_bytes(book), filename)


@role_required(*VIEW_ROLES)
def index(request: HttpRequest) -> HttpResponse:
    """A village's project board by step (all villages in scope by default), searchable, exportable."""
    villages = _villages(request.user)
    projects = (
        reports.visible_projects(request.user)
        .select_related("village", "current_step")
        .annotate(open_alerts=Count("alerts", filter=Q(alerts__resolved_at__isnull=True), distinct=True))
    )
    village = villages.filter(pk=request.GET.get("village") or None).first()
    if village is not None:
        projects = projects.filter(shares__village=village)
    query = request.GET.get("q", "").strip()
    if query:
        projects = projects.filter(title__icontains=query)
    year = request.GET.get("year", "")
    if year.isdigit():
        projects = projects.filter(year=int(year))
    projects = list(projects.order_by("-year", "-id"))
    if request.GET.get("format") == "xlsx":
        return _xlsx(
            _("项目"),
            [_("项目"), _("村/社区"), _("类别"), _("预算(元)"), _("年度"), _("当前步骤"), _("状态")],
            [
                [
                    p.title,
                    p.village.name,
                    CATEGORIES[p.category],
                    p.budget,
                    p.year,
                    p.current_step.name if p.current_step else "",
                    p.get_status_display(),
                ]
                for p in projects
            ],
            "projects.xlsx",
        )
    return render(
        request,
        "cunwu_projects/index.html",
        {
            "columns": reports.board(projects),
            "villages": villages,
            "village": village,
            "q": query,
            "year": year,
            "count": len(projects),
            "is_township": has_role(request.user, "township_official"),
            "can_start": has_role(request.user, *services.FILING_ROLES),
            "today": timezone.localdate(),
        },
    )


@role_required(*services.FILING_ROLES)
def start(request: HttpRequest) -> HttpResponse:
    form = forms.StartForm(request.POST or None, villages=_villages(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            project = services.start_project(actor=request.user, **form.cleaned_data)
        except REFUSALS as error:
            messages.error(request, _message(error))
        else:
            messages.success(request, _("项目已创建,进入第一步。"))
            return redirect("projects:detail", pk=project.pk)
    return render(request, "cunwu_projects/form.html", {"form": form, "title": _("新建项目")})


def _message(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return ";".join(error.messages)
    return str(error)


def _step_forms(step: ProjectStep) -> dict[str, Any]:
    spec = step.spec
    village = step.project.village
    found: dict[str, Any] = {"complete": forms.CompleteForm()}
    if spec.documents:
        found["document"] = forms.DocumentForm(documents=spec.documents)
    if spec.meeting:
        body = Body.objects.filter(org_unit=village, kind=spec.meeting.body, scope_object="").first()
        members = Resident.objects.filter(
            memberships__body=body, memberships__end_date__isnull=True
        ).distinct()
        found["meeting"] = forms.MeetingForm(
            members=members, initial={"held_on": timezone.localdate(), "agenda": step.name}
        )
        found["meeting_body"] = body
    if spec.elect:
        found["election"] = forms.ElectionForm(
            residents=Resident.objects.filter(org_path__startswith=village.path + "/")
        )
    if spec.notice_min_days:
        found["notice"] = forms.NoticeForm(
            initial={"title": _("%(t)s实施方案公示") % {"t": step.project.title}}
        )
    if spec.review:
        found["review"] = forms.ReviewForm()
    return found


@role_required(*VIEW_ROLES)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    step = project.current_step
    today = timezone.localdate()
    implementing = project.status in (Project.Status.IMPLEMENTING, Project.Status.COMPLETED)
    context = {
        "project": project,
        "category": CATEGORIES[project.category],
        "steps": reports.current_steps(project),
        "history": project.steps.filter(status=ProjectStep.Status.RETURNED).prefetch_related("reviews"),
        "step": step,
        "missing": missing_for(step) if step else [],
        "step_forms": _step_forms(step) if step else {},
        "implementing": implementing,
        "shares": project.shares.select_related("village"),
        "today": today,
    }
    if implementing or project.status == Project.Status.SETTLED:
        context.update(
            photo_pairs=implementation.photo_pairs(project),
            phases=PHASES,
            expenses=project.expenses.all(),
            schedule=implementation.disclosure_schedule(project, today),
            posts=project.posts.all(),
            alerts=project.alerts.filter(resolved_at__isnull=True),
            impl_forms={
                "photo": forms.PhotoForm(),
                "expense": forms.ExpenseForm(initial={"spent_on": today}),
                "progress": forms.ProgressForm(initial={"percent": project.progress_percent}),
                "disclosure": forms.DisclosureForm(initial={"month": today}),
                "post": forms.PostForm(),
            },
        )
    return render(request, "cunwu_projects/detail.html", context)


def _run(request: HttpRequest, form, action: Callable[[dict[str, Any]], Any], done: str) -> None:
    if not form.is_valid():
        errors = [
            f"{form.fields[f].label if f in form.fields else ''}{' '.join(e)}" for f, e in form.errors.items()
        ]
        messages.error(request, ";".join(errors))
        return
    try:
        action(form.cleaned_data)
    except REFUSALS as error:
        messages.error(request, _message(error))
    else:
        messages.success(request, done)


@require_POST
@role_required(*VIEW_ROLES)
def step_action(request: HttpRequest, pk: int, step_pk: int, action: str) -> HttpResponse:
    project = _project(request, pk)
    step = get_object_or_404(project.steps, pk=step_pk)
    step.project = project
    user = request.user
    built = {**_step_forms(step)}
    if action not in built or action == "meeting_body":
        raise Http404
    form = type(built[action])(request.POST, request.FILES, **_form_kwargs(built[action]))
    handlers: dict[str, tuple[Callable[[dict[str, Any]], Any], str]] = {
        "document": (
            lambda d: services.attach_document(step, d["file"], document=d["document"], actor=user),
            _("材料已上传。"),
        ),
        "meeting": (lambda d: _meeting(request, step, d), _("会议已登记。")),
        "election": (lambda d: services.elect_group(step, actor=user, **d), _("选举结果已登记。")),
        "notice": (lambda d: services.post_step_notice(step, actor=user, **d), _("公示已发布。")),
        "review": (lambda d: services.review_step(step, actor=user, **d), _("审查意见已登记。")),
        "complete": (lambda d: services.complete_step(step, actor=user, **d), _("本步骤已完成。")),
    }
    handler, done = handlers[action]
    _run(request, form, handler, done)
    return redirect("projects:detail", pk=project.pk)


def _form_kwargs(form) -> dict[str, Any]:
    """The choices an unbound form of the page was built with, for binding the posted data."""
    if isinstance(form, forms.DocumentForm):
        return {"documents": [value for value, _label in form.fields["document"].choices]}
    if isinstance(form, forms.MeetingForm):
        return {"members": form.fields["attendees"].queryset}
    if isinstance(form, forms.ElectionForm):
        return {"residents": form.fields["members"].queryset}
    return {}


def _meeting(request: HttpRequest, step: ProjectStep, data: dict[str, Any]) -> None:
    _entry, refused = services.hold_meeting(step, actor=request.user, decision_title=step.name, **data)
    if refused:
        messages.warning(request, _("会议已登记,但表决无效:%(r)s") % {"r": refused})


@require_POST
@role_required(*VIEW_ROLES)
def project_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    project = _project(request, pk)
    user = request.user
    handlers: dict[str, tuple[Any, Callable[[dict[str, Any]], Any], str]] = {
        "photo": (
            forms.PhotoForm,
            lambda d: implementation.add_site_photo(
                project, d["file"], place=d["place"], phase=d["phase"], actor=user
            ),
            _("照片已上传。"),
        ),
        "expense": (
            forms.ExpenseForm,
            lambda d: implementation.record_expense(project, actor=user, **d),
            _("支出已登记。"),
        ),
        "progress": (
            forms.ProgressForm,
            lambda d: implementation.report_progress(project, actor=user, **d),
            _("进度已更新。"),
        ),
        "disclosure": (
            forms.DisclosureForm,
            lambda d: implementation.post_monthly_disclosure(project, month=d["month"], actor=user),
            _("月度公示已发布。"),
        ),
        "post": (
            forms.PostForm,
            lambda d: implementation.define_post(project, actor=user, **d),
            _("岗位已设置。"),
        ),
        "handover": (forms.ConfirmForm, lambda d: _handover(request, project), _("已提交竞岗。")),
        "shares": (forms.ConfirmForm, lambda d: _shares(request, project), _("共建份额已保存。")),
    }
    if action not in handlers:
        raise Http404
    form_class, handler, done = handlers[action]
    _run(request, form_class(request.POST, request.FILES), handler, done)
    return redirect("projects:detail", pk=project.pk)


def _handover(request: HttpRequest, project: Project) -> None:
    if implementation.hand_over_posts(project, actor=request.user) == 0:
        messages.info(request, _("本县未启用公开竞岗模块,岗位保持“待竞岗”状态。"))


def _shares(request: HttpRequest, project: Project) -> None:
    shares = {}
    for village in OrgUnit.objects.filter(level=OrgUnit.Level.VILLAGE, parent=project.village.parent):
        raw = request.POST.get(f"share-{village.pk}", "").strip()
        if raw:
            try:
                shares[village] = Decimal(raw)
            except InvalidOperation as error:
                raise ProjectError(_("份额须为数字:%(v)s") % {"v": raw}) from error
    services.set_shares(project, shares, actor=request.user)


@role_required(*VIEW_ROLES)
def timeline(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    return render(
        request, "cunwu_projects/timeline.html", {"project": project, "entries": reports.timeline(project)}
    )


@role_required(*VIEW_ROLES)
def checklist(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    return render(
        request, "cunwu_projects/checklist.html", {"project": project, "rows": reports.checklist(project)}
    )


@role_required(*VIEW_ROLES)
def archive(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    response = HttpResponse(reports.archive(project), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="project-{project.pk}.zip"'
    return response


@role_required("township_official")
def queue(request: HttpRequest) -> HttpResponse:
    return render(request, "cunwu_projects/queue.html", {"items": reports.township_queue(request.user)})


@role_required(*VIEW_ROLES)
def summary(request: HttpRequest) -> HttpResponse:
    year_raw = request.GET.get("year", "")
    year = int(year_raw) if year_raw.isdigit() else timezone.localdate().year
    rows = reports.year_summary(year, _villages(request.user))
    if request.GET.get("format") == "xlsx":
        return _xlsx(
            _("年度汇总"),
            [
                _("村/社区"),
                _("项目数"),
                _("预算(元)"),
                _("支出(元)"),
                _("已完工"),
                _("已报账"),
                _("逾期"),
                _("越过步骤"),
            ],
            [
                [
                    r["village"].name,
                    r["projects"],
                    r["budget"],
                    r["spent"],
                    r["completed"],
                    r["settled"],
                    r["overdue"],
                    r["overridden"],
                ]
                for r in rows
            ],
            f"projects-{year}.xlsx",
        )
    return render(request, "cunwu_projects/summary.html", {"rows": rows, "year": year})


@role_required(*VIEW_ROLES)
def rounds(request: HttpRequest) -> HttpResponse:
    villages = _villages(request.user)
    form = forms.RoundForm(
        request.POST or None, villages=villages, initial={"year": timezone.localdate().year}
    )
    assessment_form = forms.SelfAssessmentForm(
        request.POST or None, villages=villages, initial={"year": timezone.localdate().year}
    )
    if request.method == "POST":
        if request.POST.get("action") == "assessment":
            _run(
                request,
                assessment_form,
                lambda d: selection.record_self_assessment(actor=request.user, **d),
                _("现状分析自查表已保存。"),
            )
        else:
            _run(
                request, form, lambda d: selection.open_round(actor=request.user, **d), _("项目征集已开始。")
            )
        return redirect("projects:rounds")
    found = SelectionRound.objects.filter(village__in=villages).select_related("village")
    page = Paginator(found, 20).get_page(request.GET.get("page"))
    assessments = SelfAssessment.objects.filter(village__in=villages).select_related("village")[:10]
    return render(
        request,
        "cunwu_projects/rounds.html",
        {"page": page, "form": form, "assessment_form": assessment_form, "assessments": assessments},
    )


@role_required(*VIEW_ROLES)
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_object_or_404(SelectionRound.objects.filter(village__in=_villages(request.user)), pk=pk)
    groups = OrgUnit.objects.filter(parent=round_.village, level=OrgUnit.Level.GROUP)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "proposal":
            _run(
                request,
                forms.ProposalForm(request.POST, groups=groups),
                lambda d: selection.submit_proposal(round_, actor=request.user, **d),
                _("建议已登记。"),
            )
        elif action == "sheet":
            _run(
                request,
                forms.ConfirmForm(request.POST),
                lambda d: _sheet(request, round_),
                _("评分表已保存。"),
            )
        elif action == "close":
            _run(
                request,
                forms.ConfirmForm(request.POST),
                lambda d: selection.close_round(round_, actor=request.user),
                _("已形成初选项目表。"),
            )
        elif action == "start":
            _run(
                request,
                forms.ConfirmForm(request.POST),
                lambda d: _start_from(request, round_),
                _("已立项。"),
            )
        return redirect("projects:round", pk=round_.pk)
    return render(
        request,
        "cunwu_projects/round.html",
        {
            "round": round_,
            "ranking": selection.ranking(round_),
            "criteria": round_.scoring["criteria"],
            "proposals": round_.proposals.select_related("group"),
            "form": forms.ProposalForm(groups=groups),
            "categories": CATEGORIES,
        },
    )


def _sheet(request: HttpRequest, round_: SelectionRound) -> None:
    scores: dict[int, dict[str, str]] = {}
    for key, value in request.POST.items():
        if key.startswith("s-") and value.strip():
            _prefix, proposal, criterion = key.split("-", 2)
            scores.setdefault(int(proposal), {})[criterion] = value.strip()
    selection.submit_sheet(round_, scores=scores, actor=request.user)


def _start_from(request: HttpRequest, round_: SelectionRound) -> None:
    proposal = get_object_or_404(round_.proposals, pk=request.POST.get("proposal"), shortlisted=True)
    services.start_project(
        village=round_.village,
        title=proposal.title,
        category=proposal.category,
        location=proposal.location,
        budget=proposal.estimated_budget,
        proposal=proposal,
        year=round_.year,
        actor=request.user,
    )
