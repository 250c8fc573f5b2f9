"""Read-only views of projects: board, township queue, timeline, checklist, archive, year-end figures."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from cunwu.disclosure.models import Notice
from cunwu.evidence.services import files_for
from cunwu.meetings.models import Decision, Meeting
from cunwu.orgs.models import OrgUnit
from cunwu.roles.permissions import scope_q
from cunwu_projects.gates import PHASES, missing_for, photo_category
from cunwu_projects.models import Alert, MonthlyDisclosure, Project, ProjectShare, ProjectStep, StepRecord

OVERDUE_ALERTS = (Alert.Kind.DISCLOSURE_OVERDUE, Alert.Kind.SETTLEMENT_LATE, Alert.Kind.STEP_OVERDUE)
CENT = Decimal("0.01")


def visible_projects(user: Any) -> QuerySet[Project]:
    """Projects a user may see: those of (or shared with) a village in the user's subtrees."""
    units = OrgUnit.objects.filter(
        scope_q(
            user,
            "township_official",
            "township_finance",
            "village_secretary",
            "committee_member",
            "council_member",
            "supervisory_member",
            "finance_group",
            "quality_group",
            "province_viewer",
        )
    )
    return Project.objects.filter(Q(village__in=units) | Q(shares__village__in=units)).distinct()


def current_steps(project: Project) -> list[ProjectStep]:
    """The newest attempt of each step of the procedure, in order."""
    newest: dict[int, ProjectStep] = {}
    for step in project.steps.order_by("position", "attempt"):
        newest[step.position] = step
    return [newest[p] for p in sorted(newest)]


def board(projects: Iterable[Project]) -> list[tuple[str, list[Project]]]:
    """A village's project board: one column per step (in procedure order), then 已报账."""
    columns: dict[str, list[Project]] = {}
    settled = []
    for project in projects:
        if project.current_step is None:
            settled.append(project)
            continue
        for spec in project.rules.steps:
            columns.setdefault(spec.name, [])
        columns.setdefault(project.current_step.name, []).append(project)
    return [*columns.items(), (_("已报账"), settled)]


@dataclass
class QueueItem:
    project: Project
    step: ProjectStep | None
    reason: str


def township_queue(user: Any) -> list[QueueItem]:
    """What awaits the township: plans to pre-review or approve, and escalated late settlements."""
    units = OrgUnit.objects.filter(scope_q(user, "township_official"))
    projects = Project.objects.filter(village__in=units).select_related("village", "current_step")
    items = []
    for project in projects.exclude(status=Project.Status.SETTLED):
        step = project.current_step
        if step is not None and step.spec.review:
            reason = _("待初审") if step.spec.review == "pre_review" else _("待审批")
            items.append(QueueItem(project, step, reason))
        for alert in project.alerts.filter(kind=Alert.Kind.SETTLEMENT_LATE, resolved_at__isnull=True):
            items.append(QueueItem(project, step, alert.message))
    return items


TIMELINE_KINDS = {
    "step": _lazy("步骤"),
    "document": _lazy("材料"),
    "meeting": _lazy("会议"),
    "decision": _lazy("表决"),
    "notice": _lazy("公示"),
    "review": _lazy("审查"),
    "photo": _lazy("照片"),
    "alert": _lazy("提醒"),
}


@dataclass
class TimelineEntry:
    at: dt.datetime
    kind: str  # a key of TIMELINE_KINDS
    text: str
    url: str = ""

    @property
    def label(self) -> str:
        return str(TIMELINE_KINDS[self.kind])


def _steps_entries(project: Project) -> list[TimelineEntry]:
    # A step starts when the one before it ends, so only the project's own start is listed.
    entries = [TimelineEntry(project.created_at, "step", _("立项:%(t)s") % {"t": project.title})]
    for step in project.steps.select_related("finished_by"):
        label = f"{step.name}" + (_("(第%(n)s轮)") % {"n": step.attempt} if step.attempt > 1 else "")
        if step.finished_at:
            text = _("%(s)s:%(status)s") % {"s": label, "status": step.get_status_display()}
            if step.override_reason:
                text += _(",理由:%(r)s;当时缺少:%(m)s") % {
                    "r": step.override_reason,
                    "m": ";".join(step.missing_at_override),
                }
            entries.append(TimelineEntry(step.finished_at, "step", text))
        for evidence in files_for(step):
            entries.append(
                TimelineEntry(
                    evidence.uploaded_at,
                    "document",
                    f"{label} · {evidence.category}:{evidence.original_name}",
                )
            )
        for review in step.reviews.all():
            entries.append(
                TimelineEntry(
                    review.created_at,
                    "review",
                    f"{review.get_stage_display()}{review.get_outcome_display()}:{review.opinion}",
                )
            )
    return entries


def _records_entries(project: Project) -> list[TimelineEntry]:
    records = list(StepRecord.objects.filter(step__project=project))
    entries = []
    for meeting in Meeting.objects.filter(
        pk__in=[r.meeting_id for r in records if r.meeting_id]
    ).select_related("body"):
        entries.append(
            TimelineEntry(
                meeting.created_at,
                "meeting",
                _("%(body)s会议(%(day)s,%(place)s):%(agenda)s")
                % {
                    "body": meeting.body.name,
                    "day": meeting.held_on,
                    "place": meeting.place,
                    "agenda": meeting.agenda,
                },
            )
        )
    for decision in Decision.objects.filter(pk__in=[r.decision_id for r in records if r.decision_id]):
        entries.append(
            TimelineEntry(
                decision.recorded_at,
                "decision",
                _("表决“%(t)s”:赞成%(f)s、反对%(a)s、弃权%(b)s,%(r)s")
                % {
                    "t": decision.title,
                    "f": decision.votes_for,
                    "a": decision.votes_against,
                    "b": decision.abstentions,
                    "r": _("通过") if decision.passed else _("未通过"),
                },
            )
        )
    notice_ids = [r.notice_id for r in records if r.notice_id]
    notice_ids += list(MonthlyDisclosure.objects.filter(project=project).values_list("notice_id", flat=True))
    for notice in Notice.objects.filter(pk__in=notice_ids):
        entries.append(
            TimelineEntry(
                notice.posted_at,
                "notice",
                _("公示“%(t)s”(%(a)s 至 %(b)s)")
                % {"t": notice.title, "a": f"{notice.starts_at:%Y-%m-%d}", "b": f"{notice.ends_at:%Y-%m-%d}"},
                notice.get_public_url(),
            )
        )
    return entries


def timeline(project: Project) -> list[TimelineEntry]:
    """Everything that happened to the project: steps, documents, meetings, decisions, notices, photos."""
    entries = _steps_entries(project) + _records_entries(project)
    for point in project.photo_points.all():
        for evidence in files_for(point):
            entries.append(
                TimelineEntry(evidence.uploaded_at, "photo", f"{point.place} · {evidence.category}")
            )
    for alert in project.alerts.all():
        entries.append(TimelineEntry(alert.created_at, "alert", alert.message))
    return sorted(entries, key=lambda e: e.at)


def checklist(project: Project) -> list[dict[str, Any]]:
    """The document checklist of the newest attempt of each step: what is on file, what is missing."""
    rows = []
    for step in current_steps(project):
        documents = [
            {"name": doc, "files": list(files_for(step, category=doc))} for doc in step.spec.documents
        ]
        open_ = step.status in (ProjectStep.Status.ACTIVE, ProjectStep.Status.WAITING)
        rows.append({"step": step, "documents": documents, "missing": missing_for(step) if open_ else []})
    return rows


def archive(project: Project) -> bytes:
    """One .zip of every document and photo of the project (all attempts), with a manifest for auditors."""
    buffer = io.BytesIO()
    manifest = [_("步骤\t材料\t文件\tSHA-256\t上传时间")]
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        for step in project.steps.order_by("attempt", "position"):
            folder = f"{step.position + 1:02d}-{step.name}-第{step.attempt}轮"
            for evidence in files_for(step):
                name = f"{folder}/{evidence.category}/{evidence.pk}-{evidence.original_name}"
                with evidence.file.open("rb") as handle:
                    bundle.writestr(name, handle.read())
                manifest.append(
                    f"{step.name}\t{evidence.category}\t{name}\t{evidence.sha256}\t{evidence.uploaded_at:%Y-%m-%d %H:%M}"
                )
        for point in project.photo_points.all():
            for phase in PHASES:
                for evidence in files_for(point, category=photo_category(phase)):
                    name = f"现场照片/{point.place}/{PHASES[phase]}/{evidence.pk}-{evidence.original_name}"
                    with evidence.file.open("rb") as handle:
                        bundle.writestr(name, handle.read())
                    manifest.append(
                        f"项目实施\t{evidence.category}\t{name}\t{evidence.sha256}\t{evidence.uploaded_at:%Y-%m-%d %H:%M}"
                    )
        bundle.writestr("清单.tsv", "\n".join(manifest) + "\n")
    return buffer.getvalue()


def year_summary(year: int, villages: Iterable[OrgUnit]) -> list[dict[str, Any]]:
    """Per village: projects (led or shared), its share of their budgets, completion and overdue counts."""
    today = timezone.localdate()
    rows = []
    for village in villages:
        shares = ProjectShare.objects.filter(village=village, project__year=year).select_related("project")
        projects = [s.project for s in shares]
        budget = sum((s.project.budget * s.percent / 100 for s in shares), Decimal(0)).quantize(CENT)
        spent = Decimal(0)
        for share in shares:
            total = share.project.expenses.aggregate(s=Sum("amount"))["s"] or Decimal(0)
            spent += total * share.percent / 100
        overdue_alerts = Alert.objects.filter(
            project__in=projects, kind__in=OVERDUE_ALERTS, resolved_at__isnull=True
        ).count()
        rows.append(
            {
                "village": village,
                "projects": len(projects),
                "budget": budget,
                "spent": spent.quantize(CENT),
                "completed": sum(
                    p.status in (Project.Status.COMPLETED, Project.Status.SETTLED) for p in projects
                ),
                "settled": sum(p.status == Project.Status.SETTLED for p in projects),
                "overdue": overdue_alerts
                + sum(1 for p in projects if p.current_step and p.current_step.is_overdue(today)),
                "overridden": ProjectStep.objects.filter(
                    project__in=projects, status=ProjectStep.Status.OVERRIDDEN
                ).count(),
            }
        )
    return rows


def province_metrics(year: int) -> dict[str, Any]:
    """The county's figures for the provincial rollup (``cunwu_province_metrics``)."""
    projects = Project.objects.filter(year=year)
    return {
        "projects_started": projects.count(),
        "projects_completed": projects.filter(
            status__in=[Project.Status.COMPLETED, Project.Status.SETTLED]
        ).count(),
        "projects_settled": projects.filter(status=Project.Status.SETTLED).count(),
        "projects_budget": str(projects.aggregate(s=Sum("budget"))["s"] or Decimal("0.00")),
        "projects_settlement_late": Alert.objects.filter(
            project__in=projects, kind=Alert.Kind.SETTLEMENT_LATE
        ).count(),
    }
