"""Doing what a step asks for, the way a village would, through the plugin's services."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from cunwu.orgs.models import Body, OrgUnit, Resident
from cunwu_projects import services
from cunwu_projects.models import ProjectStep


def file_documents(step: ProjectStep, actor, pdf, skip: tuple[str, ...] = ()) -> None:
    for document in step.spec.documents:
        if document not in skip:
            services.attach_document(step, pdf(f"{step.code}.pdf"), document=document, actor=actor)


def meet(step: ProjectStep, actor, seat, *, present: int, seats: int = 10, votes_for: int | None = None):
    """Hold the step's meeting with ``present`` of ``seats`` members signed in."""
    body = Body.objects.get(org_unit=step.project.village, kind=step.spec.meeting.body, scope_object="")
    members = [m.resident for m in body.memberships.filter(end_date__isnull=True).select_related("resident")]
    members += seat(body, seats - len(members)) if len(members) < seats else []
    return services.hold_meeting(
        step,
        held_on=dt.date.today(),
        place="村委会会议室",
        agenda=step.name,
        attendees=members[:present],
        minutes="会议纪要",
        actor=actor,
        votes_for=present if votes_for is None else votes_for,
        votes_against=0 if votes_for is None else present - votes_for,
        abstentions=0,
    )


def elect(step: ProjectStep, actor) -> None:
    group = OrgUnit.objects.filter(parent=step.project.village, level=OrgUnit.Level.GROUP).first()
    for kind in step.spec.elect:
        members = [Resident.objects.create(name=f"{kind}成员{i}", group=group) for i in range(3)]
        services.elect_group(step, kind=kind, members=members, method="无记名投票,得票多者当选", actor=actor)


def publish(step: ProjectStep, actor, *, days_ago: int):
    return services.post_step_notice(
        step,
        title=f"{step.project.title}实施方案公示",
        body="实施方案全文",
        actor=actor,
        starts_at=timezone.now() - dt.timedelta(days=days_ago),
    )


def fulfil(step: ProjectStep, *, village_actor, township_actor, pdf, seat) -> None:
    """Everything the step's policy asks for, on file."""
    spec = step.spec
    actor = township_actor if "township_official" in spec.roles else village_actor
    file_documents(step, village_actor, pdf)
    if spec.meeting:
        meet(step, village_actor, seat, present=8)
    if spec.elect:
        elect(step, village_actor)
    if spec.notice_min_days:
        publish(step, village_actor, days_ago=spec.notice_min_days + 1)
    if spec.review:
        services.review_step(step, outcome="approved", opinion="同意", actor=actor)
