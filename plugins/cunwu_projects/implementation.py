"""阳光操作: implementation of an approved project.

Site photos before, during and after the works (paired by place), the posts the project needs (handed
over to position hiring through the ``projects.hiring_handover`` decision hook), spending and progress,
the monthly 公示 generated from them, and the deadline check that reminds, flags and escalates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files import File
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from cunwu.audit.services import record, snapshot
from cunwu.disclosure.services import post_notice
from cunwu.evidence.services import attach, files_for
from cunwu.plugins.host import hooks_for
from cunwu_projects.errors import ProjectError
from cunwu_projects.gates import PHASES, photo_category
from cunwu_projects.models import (
    Alert,
    Expense,
    MonthlyDisclosure,
    PhotoPoint,
    Project,
    ProjectPost,
    ProjectStep,
)
from cunwu_projects.services import FILING_ROLES, require_role

SYSTEM_ACTOR = "projects-scheduler"


def _require_running(project: Project) -> None:
    if project.status == Project.Status.SETTLED:
        raise ProjectError(_("项目已报账,不能再修改"))


@transaction.atomic
def add_site_photo(
    project: Project,
    uploaded_file: File,
    *,
    place: str,
    phase: str,
    actor: Any,
    captured_at: dt.datetime | None = None,
):
    """A photo of one place of the site, before, during or after the works."""
    _require_running(project)
    if phase not in PHASES:
        raise ProjectError(_("拍摄阶段须为实施前、实施中或实施后"))
    if not place.strip():
        raise ProjectError(_("请填写拍摄位置"))
    if not has_quality_role(actor, project):
        require_role(actor, FILING_ROLES, project.village, _("上传现场照片"))
    point, _created = PhotoPoint.objects.get_or_create(project=project, place=place.strip())
    return attach(
        uploaded_file, target=point, actor=actor, category=photo_category(phase), captured_at=captured_at
    )


def has_quality_role(actor: Any, project: Project) -> bool:
    from cunwu.roles.permissions import has_role

    return has_role(actor, "quality_group", org_unit=project.village, scope_object=project.scope)


def photo_pairs(project: Project) -> list[dict[str, Any]]:
    """Each place with its photos of each phase, for side-by-side comparison."""
    return [
        {
            "point": point,
            **{phase: list(files_for(point, category=photo_category(phase))) for phase in PHASES},
        }
        for point in project.photo_points.order_by("place")
    ]


@transaction.atomic
def define_post(
    project: Project, *, title: str, duties: str, monthly_pay: Decimal, openings: int, actor: Any
) -> ProjectPost:
    """定岗定职定酬: a post the council set for the project; it waits for open competition."""
    _require_running(project)
    require_role(actor, FILING_ROLES, project.village, _("设置项目岗位"))
    if not title.strip() or not duties.strip():
        raise ProjectError(_("请填写岗位名称和职责"))
    if Decimal(monthly_pay) < 0 or openings < 1:
        raise ProjectError(_("岗位工资不能为负,人数至少为1"))
    post = ProjectPost.objects.create(
        project=project,
        title=title.strip(),
        duties=duties.strip(),
        monthly_pay=Decimal(monthly_pay),
        openings=openings,
    )
    record(actor=actor, action="projects.post", target=project, after=snapshot(post))
    return post


@transaction.atomic
def hand_over_posts(project: Project, *, actor: Any) -> int:
    """Offer the posts awaiting hiring to position hiring (``cunwu_decide`` rule
    ``projects.hiring_handover``, context ``{"project": {...}, "posts": [{...}]}``).

    A hiring plugin answers with a dict of its references by post id (or any truthy value); the posts
    are then marked handed over. Without such a plugin nobody answers and the posts keep waiting,
    visibly, as data any later plugin can pick up.
    """
    require_role(actor, FILING_ROLES, project.village, _("移交竞岗"))
    posts = list(project.posts.filter(status=ProjectPost.Status.AWAITING))
    if not posts:
        return 0
    context = {
        "project": {"id": project.pk, "title": project.title, "village_id": project.village_id},
        "posts": [
            {
                "id": p.pk,
                "title": p.title,
                "duties": p.duties,
                "monthly_pay": str(p.monthly_pay),
                "openings": p.openings,
            }
            for p in posts
        ],
    }
    answer = hooks_for(connection.tenant).cunwu_decide(rule="projects.hiring_handover", context=context)
    if not answer:
        return 0
    for post in posts:
        reference = answer.get(post.pk, answer.get(str(post.pk), {})) if isinstance(answer, dict) else {}
        post.status = ProjectPost.Status.HANDED_OVER
        post.handover = reference if isinstance(reference, dict) else {"reference": str(reference)}
        post.save(update_fields=["status", "handover"])
    record(
        actor=actor, action="projects.hiring_handover", target=project, after={"posts": [p.pk for p in posts]}
    )
    return len(posts)


@transaction.atomic
def record_expense(project: Project, *, spent_on: dt.date, item: str, amount: Decimal, actor: Any) -> Expense:
    _require_running(project)
    require_role(actor, FILING_ROLES, project.village, _("登记支出"))
    try:
        amount = Decimal(amount)
    except (InvalidOperation, TypeError) as exc:
        raise ProjectError(_("金额无效")) from exc
    if amount <= 0 or not item.strip():
        raise ProjectError(_("支出须有用途,金额须大于零"))
    if spent_on > timezone.localdate():
        raise ProjectError(_("支出日期不能晚于今天"))
    expense = Expense.objects.create(
        project=project, spent_on=spent_on, item=item.strip(), amount=amount, recorded_by=actor
    )
    record(actor=actor, action="projects.expense", target=project, after=snapshot(expense))
    return expense


@transaction.atomic
def report_progress(project: Project, *, percent: int, actor: Any) -> Project:
    _require_running(project)
    require_role(actor, FILING_ROLES, project.village, _("填报进度"))
    if not 0 <= int(percent) <= 100:
        raise ProjectError(_("进度须在0到100之间"))
    before = {"progress_percent": project.progress_percent}
    project.progress_percent = int(percent)
    project.save(update_fields=["progress_percent"])
    record(
        actor=actor,
        action="projects.progress",
        target=project,
        before=before,
        after={"progress_percent": percent},
    )
    return project


def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def implementation_started(project: Project) -> dt.date | None:
    step = (
        ProjectStep.objects.filter(project=project, started_on__isnull=False)
        .filter(code__in=[s.code for s in project.rules.steps if s.kind == "implementation"])
        .order_by("-attempt")
        .first()
    )
    return step.started_on if step else None


@dataclass
class MonthState:
    month: dt.date
    due_on: dt.date
    state: str  # "done", "upcoming", "due_soon", "overdue"
    disclosure: MonthlyDisclosure | None


def disclosure_schedule(project: Project, today: dt.date) -> list[MonthState]:
    """Every month of the works (start month to completion month, or to last month) and its 公示."""
    start = implementation_started(project)
    if start is None:
        return []
    policy = project.rules.monthly_disclosure
    last = first_of_month(project.completed_on) if project.completed_on else first_of_month(today)
    done = {d.month: d for d in project.disclosures.all()}
    months, month = [], first_of_month(start)
    while month <= last:
        due = next_month(month).replace(day=policy.day_of_month)
        if month in done:
            state = "done"
        elif today > due:
            state = "overdue"
        elif today >= due - dt.timedelta(days=policy.reminder_lead_days) and today >= next_month(month):
            state = "due_soon"
        else:
            state = "upcoming"
        months.append(MonthState(month, due, state, done.get(month)))
        month = next_month(month)
    return months


def _figures(project: Project, month: dt.date) -> tuple[Decimal, Decimal]:
    end = next_month(month)
    spent = project.expenses.filter(spent_on__gte=month, spent_on__lt=end).aggregate(s=Sum("amount"))["s"]
    total = project.expenses.filter(spent_on__lt=end).aggregate(s=Sum("amount"))["s"]
    return spent or Decimal("0.00"), total or Decimal("0.00")


@transaction.atomic
def post_monthly_disclosure(
    project: Project, *, month: dt.date, actor: Any, starts_at: dt.datetime | None = None
) -> MonthlyDisclosure:
    """Generate and post the month's 公示 of fund use and progress from the project's figures."""
    month = first_of_month(month)
    _require_running(project)
    require_role(actor, FILING_ROLES, project.village, _("发布月度公示"))
    schedule = {m.month: m for m in disclosure_schedule(project, timezone.localdate())}
    if month not in schedule:
        raise ProjectError(_("%(m)s不在项目实施期内") % {"m": f"{month:%Y年%m月}"})
    if schedule[month].disclosure is not None:
        raise ProjectError(_("%(m)s已公示") % {"m": f"{month:%Y年%m月}"})
    spent, total = _figures(project, month)
    lines = [
        _("项目:%(t)s(%(v)s)") % {"t": project.title, "v": project.village.name},
        _("预算:%(b)s 元") % {"b": project.budget},
        _("本月支出:%(s)s 元") % {"s": spent},
        _("累计支出:%(s)s 元,结余:%(r)s 元") % {"s": total, "r": project.budget - total},
        _("工程进度:%(p)s%%") % {"p": project.progress_percent},
        _("本月支出明细:"),
        *[
            f"{e.spent_on:%m-%d} {e.item} {e.amount} 元"
            for e in project.expenses.filter(spent_on__gte=month, spent_on__lt=next_month(month))
        ],
    ]
    notice = post_notice(
        org_unit=project.village,
        title=_("%(t)s %(m)s资金使用及进度公示") % {"t": project.title, "m": f"{month:%Y年%m月}"},
        body="\n".join(lines),
        min_days=project.rules.monthly_disclosure.min_days,
        actor=actor,
        starts_at=starts_at,
        subject=project,
        kind="projects.monthly",
    )
    disclosure = MonthlyDisclosure.objects.create(
        project=project,
        month=month,
        spent_in_month=spent,
        spent_total=total,
        progress_percent=project.progress_percent,
        notice_id=notice.pk,
    )
    project.alerts.filter(period=f"{month:%Y-%m}", resolved_at__isnull=True).update(
        resolved_at=timezone.now()
    )
    record(actor=actor, action="projects.monthly_disclosure", target=project, after=snapshot(disclosure))
    return disclosure


def _alert(project: Project, kind: str, period: str, message: str) -> bool:
    _alert_row, created = Alert.objects.get_or_create(
        project=project, kind=kind, period=period, defaults={"message": message[:300]}
    )
    return created


@transaction.atomic
def scan_deadlines(today: dt.date | None = None) -> int:
    """The periodic check (idempotent): remind before a monthly 公示 is due, flag it when overdue, flag
    overdue steps, and escalate to the township a settlement not done within the policy's days.
    Returns how many new alerts it raised.
    """
    today = today or timezone.localdate()
    created = 0
    for project in Project.objects.exclude(status=Project.Status.SETTLED).select_related(
        "village", "current_step"
    ):
        for month in disclosure_schedule(project, today):
            label = f"{month.month:%Y年%m月}"
            if month.state == "due_soon":
                created += _alert(
                    project,
                    Alert.Kind.DISCLOSURE_DUE,
                    f"{month.month:%Y-%m}",
                    _("%(m)s资金使用及进度公示应于%(d)s前发布") % {"m": label, "d": month.due_on},
                )
            elif month.state == "overdue":
                created += _alert(
                    project,
                    Alert.Kind.DISCLOSURE_OVERDUE,
                    f"{month.month:%Y-%m}",
                    _("%(m)s资金使用及进度公示已逾期(应于%(d)s前发布)") % {"m": label, "d": month.due_on},
                )
        step = project.current_step
        if step is not None and step.is_overdue(today):
            created += _alert(
                project,
                Alert.Kind.STEP_OVERDUE,
                f"{step.code}#{step.attempt}",
                _("“%(s)s”已超过期限%(d)s") % {"s": step.name, "d": step.due_on},
            )
        if project.settlement_late(today) and _alert(
            project,
            Alert.Kind.SETTLEMENT_LATE,
            "settlement",
            _("项目于%(c)s完工,应于%(d)s前报账,已逾期,已上报乡镇")
            % {"c": project.completed_on, "d": project.settlement_due},
        ):
            created += 1
            record(
                actor=SYSTEM_ACTOR,
                action="projects.settlement_escalated",
                target=project,
                after={"completed_on": str(project.completed_on), "due": str(project.settlement_due)},
            )
    return created
