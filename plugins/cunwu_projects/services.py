"""State changes of a project as it goes through its procedure.

Every function takes the acting user as ``actor``, runs in one transaction and writes an audit row.
Bad input raises :class:`~cunwu_projects.errors.ProjectError` (or Django's ``ValidationError`` from a
core service) and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cunwu.audit.services import record, snapshot
from cunwu.disclosure.services import post_notice
from cunwu.evidence.services import attach
from cunwu.meetings import services as meetings
from cunwu.meetings.errors import QuorumNotMet
from cunwu.orgs.models import Body, Membership, OrgUnit, Resident
from cunwu.roles.catalogue import role_name
from cunwu.roles.permissions import has_role
from cunwu.roles.services import grant
from cunwu_projects.errors import NotAllowed, ProjectError, StepRefused
from cunwu_projects.gates import BODY_NAMES, missing_for
from cunwu_projects.models import Project, ProjectShare, ProjectStep, Proposal, Review, StepRecord
from cunwu_projects.rules import rules_in_force

# Who may file documents for a step, besides the roles that complete it.
FILING_ROLES = ("village_secretary", "committee_member", "township_official")


def require_role(actor: Any, codes: Iterable[str], unit: OrgUnit, what: str) -> None:
    codes = tuple(codes)
    if not has_role(actor, *codes, org_unit=unit):
        names = "、".join(role_name(code) for code in codes)
        raise NotAllowed(_("%(what)s需要以下角色之一:%(roles)s") % {"what": what, "roles": names})


def _open_steps(project: Project, *, from_position: int, attempt: int, today: dt.date) -> ProjectStep:
    """Create the rows of ``attempt`` from ``from_position`` on; the first one becomes the current step."""
    rules = project.rules
    rows = [
        ProjectStep(project=project, position=index, attempt=attempt, code=spec.code, name=spec.name)
        for index, spec in enumerate(rules.steps)
        if index >= from_position
    ]
    ProjectStep.objects.bulk_create(rows)
    first = ProjectStep.objects.get(project=project, position=from_position, attempt=attempt)
    first.project = project
    _activate(first, today)
    return first


def _activate(step: ProjectStep, today: dt.date) -> None:
    step.status = ProjectStep.Status.ACTIVE
    step.started_on = today
    days = step.spec.deadline_days
    step.due_on = today + dt.timedelta(days=days) if days else None
    step.save(update_fields=["status", "started_on", "due_on"])
    project = step.project
    project.current_step = step
    if step.spec.kind == "implementation":
        project.status = Project.Status.IMPLEMENTING
    project.save(update_fields=["current_step", "status"])


@transaction.atomic
def start_project(
    *,
    village: OrgUnit,
    title: str,
    category: str,
    location: str,
    budget: Decimal,
    actor: Any,
    proposal: Proposal | None = None,
    year: int | None = None,
) -> Project:
    """Start a project under the procedure in force today; it keeps that procedure to the end."""
    if village.level != OrgUnit.Level.VILLAGE:
        raise ProjectError(_("项目须属于一个村(社区)"))
    if budget is None or Decimal(budget) <= 0:
        raise ProjectError(_("预算须大于零"))
    if not title.strip():
        raise ProjectError(_("请填写项目名称"))
    rules, version = rules_in_force()
    require_role(actor, FILING_ROLES, village, _("发起项目"))
    if proposal is not None and Project.objects.filter(proposal=proposal).exists():
        raise ProjectError(_("该建议已立项"))
    today = timezone.localdate()
    project = Project.objects.create(
        village=village,
        proposal=proposal,
        title=title.strip(),
        category=category,
        location=location,
        budget=Decimal(budget),
        year=year or today.year,
        policy_version=version,
        procedure=rules.model_dump(mode="json"),
    )
    ProjectShare.objects.create(project=project, village=village, percent=Decimal(100))
    _open_steps(project, from_position=0, attempt=1, today=today)
    record(actor=actor, action="projects.start", target=project, after=snapshot(project))
    return project


def _require_current(step: ProjectStep) -> None:
    if step.project.current_step_id != step.pk or step.status != ProjectStep.Status.ACTIVE:
        raise ProjectError(_("“%(step)s”不是项目当前进行中的步骤") % {"step": step.name})


@transaction.atomic
def attach_document(step: ProjectStep, uploaded_file: File, *, document: str, actor: Any, note: str = ""):
    """File one of the step's documents (形成材料) as evidence of the step."""
    _require_current(step)
    if document not in step.spec.documents:
        raise ProjectError(_("本步骤不需要材料“%(doc)s”") % {"doc": document})
    require_role(actor, {*FILING_ROLES, *step.spec.roles}, step.project.village, _("上传材料"))
    return attach(uploaded_file, target=step, actor=actor, category=document, note=note)


def _meeting_body(project: Project, kind: str) -> Body:
    body = Body.objects.filter(org_unit=project.village, kind=kind, scope_object="").first()
    if body is None:
        raise ProjectError(_("本村尚未设立%(body)s") % {"body": BODY_NAMES.get(kind, kind)})
    return body


@transaction.atomic
def hold_meeting(
    step: ProjectStep,
    *,
    held_on: dt.date,
    place: str,
    agenda: str,
    attendees: Sequence[Resident],
    minutes: str,
    actor: Any,
    decision_title: str = "",
    votes_for: int = 0,
    votes_against: int = 0,
    abstentions: int = 0,
) -> tuple[StepRecord, str]:
    """Record the step's meeting: attendance, minutes and, where the policy asks for one, the vote.

    The meeting is kept even when its quorum fails (it happened); the vote is then refused and the
    second value returned says why, as the step's gate will.
    """
    _require_current(step)
    rule = step.spec.meeting
    if rule is None:
        raise ProjectError(_("本步骤不需要召开会议"))
    project = step.project
    require_role(actor, {*FILING_ROLES, *step.spec.roles}, project.village, _("登记会议"))
    body = _meeting_body(project, rule.body)
    meeting = meetings.schedule_meeting(
        body=body, held_on=held_on, place=place, agenda=agenda, actor=actor, subject=step
    )
    meetings.sign_in(meeting, list(attendees), actor=actor)
    meetings.record_minutes(meeting, text=minutes, actor=actor)
    entry = StepRecord.objects.create(step=step, kind=StepRecord.Kind.MEETING, meeting_id=meeting.pk)
    refusal = ""
    if rule.vote:
        try:
            with transaction.atomic():
                decision = meetings.record_decision(
                    meeting,
                    title=decision_title or step.name,
                    votes_for=votes_for,
                    votes_against=votes_against,
                    abstentions=abstentions,
                    actor=actor,
                    majority=rule.majority,
                    subject=step,
                )
        except QuorumNotMet as exc:
            refusal = str(exc) or _("出席人数未达到法定人数,表决无效")
        else:
            entry.decision_id = decision.pk
            entry.save(update_fields=["decision_id"])
    record(
        actor=actor,
        action="projects.meeting",
        target=step,
        after={"meeting": meeting.pk, "decision": entry.decision_id, "refused": refusal},
    )
    return entry, refusal


@transaction.atomic
def elect_group(
    step: ProjectStep, *, kind: str, members: Sequence[Resident], method: str, actor: Any
) -> Body:
    """Record the election of the project's 理财小组 or 质量监督小组.

    The group is a body that exists for this project (``scope_object``); members with an account
    become holders of the group's role for this project only.
    """
    _require_current(step)
    if kind not in step.spec.elect:
        raise ProjectError(_("本步骤不选举%(group)s") % {"group": BODY_NAMES.get(kind, kind)})
    project = step.project
    require_role(actor, {*FILING_ROLES, *step.spec.roles}, project.village, _("登记选举结果"))
    if not members:
        raise ProjectError(_("请填写当选成员"))
    outsiders = [m.name for m in members if not m.org_path.startswith(project.village.path + "/")]
    if outsiders:
        raise ProjectError(_("以下人员不属于本村:%(names)s") % {"names": "、".join(outsiders)})
    today = timezone.localdate()
    body, _created = Body.objects.get_or_create(
        kind=kind,
        org_unit=project.village,
        scope_object=project.scope,
        defaults={"name": f"{project.title}{BODY_NAMES[kind]}"},
    )
    body.seats = len(members)
    body.save(update_fields=["seats"])
    Membership.objects.filter(body=body, end_date__isnull=True).update(end_date=today)
    Membership.objects.bulk_create(
        [Membership(body=body, resident=m, start_date=today, position=method[:50]) for m in members]
    )
    users = get_user_model().objects.filter(resident_id__in=[m.pk for m in members])
    for user in users:
        grant(user, kind, org_unit=project.village, scope_object=project.scope, actor=actor)
    StepRecord.objects.create(step=step, kind=StepRecord.Kind.ELECTION, body_id=body.pk)
    record(
        actor=actor,
        action="projects.elect",
        target=step,
        after={"group": kind, "members": [m.pk for m in members], "method": method},
    )
    return body


@transaction.atomic
def post_step_notice(
    step: ProjectStep, *, title: str, body: str, actor: Any, starts_at: dt.datetime | None = None
):
    """张榜公示 of the step's plan, for the minimum days the policy sets."""
    _require_current(step)
    days = step.spec.notice_min_days
    if days is None:
        raise ProjectError(_("本步骤不需要公示"))
    require_role(actor, {*FILING_ROLES, *step.spec.roles}, step.project.village, _("发布公示"))
    notice = post_notice(
        org_unit=step.project.village,
        title=title,
        body=body,
        min_days=days,
        actor=actor,
        starts_at=starts_at,
        subject=step,
        kind="projects.plan",
    )
    StepRecord.objects.create(step=step, kind=StepRecord.Kind.NOTICE, notice_id=notice.pk)
    record(actor=actor, action="projects.notice", target=step, after={"notice": notice.pk})
    return notice


@transaction.atomic
def review_step(step: ProjectStep, *, outcome: str, opinion: str, actor: Any) -> Review:
    """The township's pre-review or approval. Requested changes send the plan back, history kept:
    the step and the ones after it start a new attempt from the step the policy returns to.
    """
    _require_current(step)
    stage = step.spec.review
    if stage is None:
        raise ProjectError(_("本步骤不需要乡镇审查"))
    if outcome not in Review.Outcome.values:
        raise ProjectError(_("审查结论无效"))
    if not opinion.strip():
        raise ProjectError(_("请填写审查意见"))
    project = step.project
    require_role(actor, step.spec.roles, project.village, _("乡镇审查"))
    review = Review.objects.create(
        step=step, stage=stage, outcome=outcome, opinion=opinion.strip(), reviewer=actor
    )
    record(actor=actor, action=f"projects.{stage}", target=step, after=snapshot(review))
    if outcome == Review.Outcome.CHANGES:
        _send_back(step, actor=actor, reason=opinion)
    return review


def _send_back(step: ProjectStep, *, actor: Any, reason: str) -> None:
    project = step.project
    codes = [s.code for s in project.rules.steps]
    target = codes.index(step.spec.returns_to) if step.spec.returns_to else max(step.position - 1, 0)
    step.status = ProjectStep.Status.RETURNED
    step.finished_at = timezone.now()
    step.finished_by = actor
    step.save(update_fields=["status", "finished_at", "finished_by"])
    # The later steps of this attempt never started: nothing of them to keep.
    ProjectStep.objects.filter(
        project=project, attempt=step.attempt, status=ProjectStep.Status.WAITING
    ).delete()
    attempt = (
        ProjectStep.objects.filter(project=project).order_by("-attempt").values_list("attempt", flat=True)[0]
        + 1
    )
    new = _open_steps(project, from_position=target, attempt=attempt, today=timezone.localdate())
    record(
        actor=actor,
        action="projects.sent_back",
        target=project,
        after={"from": step.code, "to": new.code, "attempt": attempt},
        reason=reason,
    )


@transaction.atomic
def complete_step(step: ProjectStep, *, actor: Any, override_reason: str = "") -> ProjectStep:
    """Complete the current step if its gate is met; otherwise refuse, listing what is missing.

    With ``override_reason`` a holder of one of the policy's override roles may complete it anyway:
    the step is marked as overridden with the reason and what was missing, and the override audited.
    """
    step = ProjectStep.objects.select_for_update().select_related("project__village").get(pk=step.pk)
    _require_current(step)
    project = step.project
    require_role(actor, step.spec.roles, project.village, _("完成“%(step)s”") % {"step": step.name})
    missing = missing_for(step)
    before = snapshot(step)
    if missing:
        if not override_reason.strip():
            raise StepRefused(step.name, missing)
        require_role(actor, project.rules.override_roles, project.village, _("越过未满足的条件"))
        step.status = ProjectStep.Status.OVERRIDDEN
        step.override_reason = override_reason.strip()
        step.missing_at_override = missing
    else:
        step.status = ProjectStep.Status.DONE
    step.finished_at = timezone.now()
    step.finished_by = actor
    step.save()
    today = timezone.localdate()
    if step.spec.kind == "implementation":
        project.completed_on = today
        project.status = Project.Status.COMPLETED
    elif step.spec.kind == "settlement":
        project.settled_on = today
        project.status = Project.Status.SETTLED
        project.alerts.filter(kind="settlement_late", resolved_at__isnull=True).update(
            resolved_at=timezone.now()
        )
    project.current_step = None
    project.save(update_fields=["completed_on", "settled_on", "status", "current_step"])
    following = (
        ProjectStep.objects.filter(project=project, attempt=step.attempt, position__gt=step.position)
        .order_by("position")
        .first()
    )
    if following is not None:
        _activate(following, today)
    record(
        actor=actor,
        action="projects.step_overridden" if missing else "projects.step_done",
        target=step,
        before=before,
        after={**snapshot(step), "missing": missing},
        reason=override_reason.strip(),
    )
    return step


@transaction.atomic
def set_shares(project: Project, shares: dict[OrgUnit, Decimal], *, actor: Any) -> list[ProjectShare]:
    """A joint project (共建共享): each village's share in percent; the shares add up to 100."""
    require_role(actor, ("township_official", "village_secretary"), project.village, _("设置共建份额"))
    if project.village not in shares:
        raise ProjectError(_("牵头村须在共建村之列"))
    if any(unit.level != OrgUnit.Level.VILLAGE for unit in shares):
        raise ProjectError(_("共建单位须为村(社区)"))
    if any(Decimal(p) <= 0 for p in shares.values()):
        raise ProjectError(_("份额须大于零"))
    total = sum((Decimal(p) for p in shares.values()), Decimal(0))
    if total != Decimal(100):
        raise ProjectError(_("各村份额合计须为100%%,现为%(t)s%%") % {"t": total})
    before = {s.village_id: str(s.percent) for s in project.shares.all()}
    project.shares.all().delete()
    rows = ProjectShare.objects.bulk_create(
        [ProjectShare(project=project, village=v, percent=Decimal(p)) for v, p in shares.items()]
    )
    record(
        actor=actor,
        action="projects.shares",
        target=project,
        before=before,
        after={v.pk: str(p) for v, p in shares.items()},
    )
    return rows
