"""The gate of a step: everything its policy asks for must be on file before it can be completed.

:func:`missing_for` returns one Chinese line per missing thing (empty when the step may complete); a
refusal shows them all at once, so the village knows exactly what to bring.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.utils.translation import gettext as _

from cunwu.disclosure.errors import PostingPeriodNotEnded
from cunwu.disclosure.models import Notice
from cunwu.disclosure.services import require_period_ended
from cunwu.evidence.services import files_for
from cunwu.meetings.models import Decision, Meeting
from cunwu.orgs.models import Body, Membership
from cunwu_projects.models import PhotoPoint, ProjectStep, Review, StepRecord

BODY_NAMES = dict(Body.Kind.choices)
PHASES = {"before": "实施前", "during": "实施中", "after": "实施后"}
PHOTO_CATEGORY = "现场照片·{phase}"


def photo_category(phase: str) -> str:
    return PHOTO_CATEGORY.format(phase=PHASES[phase])


def megapixels(photo) -> Decimal:
    """Resolution as cameras state it, to one decimal: a 3264×2448 "800万像素" photo is 8.0."""
    pixels = Decimal((photo.width or 0) * (photo.height or 0))
    return (pixels / 1_000_000).quantize(Decimal("0.1"), ROUND_HALF_UP)


def missing_documents(step: ProjectStep) -> list[str]:
    return [
        _("缺少材料:%(doc)s") % {"doc": doc}
        for doc in step.spec.documents
        if not files_for(step, category=doc).exists()
    ]


def _missing_meeting(step: ProjectStep) -> list[str]:
    rule = step.spec.meeting
    if rule is None:
        return []
    body = BODY_NAMES.get(rule.body, rule.body)
    records = list(step.records.filter(kind=StepRecord.Kind.MEETING))
    if not records:
        return [_("未召开%(body)s会议") % {"body": body}]
    if not rule.vote:
        return []
    decisions = Decision.objects.filter(pk__in=[r.decision_id for r in records if r.decision_id])
    if any(d.passed for d in decisions):
        return []
    if decisions:
        return [_("%(body)s表决未获通过(%(rule)s)") % {"body": body, "rule": MAJORITY[rule.majority]}]
    meetings = Meeting.objects.filter(pk__in=[r.meeting_id for r in records])
    if any(not m.quorum_met for m in meetings):
        return [_("%(body)s会议出席人数未达到法定人数,表决无效") % {"body": body}]
    return [_("未记录%(body)s会议的表决结果") % {"body": body}]


MAJORITY = {"simple": "过半数", "two_thirds": "三分之二以上"}


def _missing_elections(step: ProjectStep) -> list[str]:
    missing = []
    for kind in step.spec.elect:
        body = Body.objects.filter(kind=kind, scope_object=step.project.scope).first()
        if body is None or not Membership.objects.filter(body=body, end_date__isnull=True).exists():
            missing.append(_("未选举产生%(group)s") % {"group": BODY_NAMES[kind]})
    return missing


def _missing_notice(step: ProjectStep) -> list[str]:
    if step.spec.notice_min_days is None:
        return []
    ids = step.records.filter(kind=StepRecord.Kind.NOTICE).values_list("notice_id", flat=True)
    notices = list(Notice.objects.filter(pk__in=list(ids)))
    if not notices:
        return [_("未张榜公示(公示期不少于%(days)s天)") % {"days": step.spec.notice_min_days}]
    if any(n.period_ended for n in notices):
        return []
    try:
        require_period_ended(notices[-1])
    except PostingPeriodNotEnded as exc:
        return [str(exc)]
    return []


def _missing_review(step: ProjectStep) -> list[str]:
    stage = step.spec.review
    if stage is None:
        return []
    latest = step.reviews.filter(stage=stage).last()
    if latest is None or latest.outcome != Review.Outcome.APPROVED:
        return [_("乡镇初审尚未同意") if stage == "pre_review" else _("镇政府尚未审批同意")]
    return []


def _missing_implementation(step: ProjectStep) -> list[str]:
    if step.spec.kind != "implementation":
        return []
    project = step.project
    missing = []
    points = list(PhotoPoint.objects.filter(project=project))
    if not points:
        missing.append(_("未上传现场照片(实施前、实施中、实施后)"))
    wanted = project.rules.before_photo_megapixels
    for point in points:
        for phase in PHASES:
            photos = files_for(point, category=photo_category(phase))
            if not photos.exists():
                missing.append(
                    _("%(place)s缺少%(phase)s照片") % {"place": point.place, "phase": PHASES[phase]}
                )
            elif phase == "before" and not any(megapixels(p) >= wanted for p in photos):
                missing.append(
                    _("%(place)s的实施前照片不足%(mp)s万像素")
                    % {"place": point.place, "mp": f"{project.rules.before_photo_megapixels * 100:g}"}
                )
    if project.progress_percent < 100:
        missing.append(_("项目进度为%(p)s%%,尚未完工") % {"p": project.progress_percent})
    return missing


def step_quorum_met(context: dict) -> bool | None:
    """The ``meetings.quorum_met`` rule for a meeting held for a step whose policy sets its own quorum;
    ``None`` (no opinion) for every other meeting.
    """
    meeting = context.get("meeting")
    if meeting is None or meeting.subject_type_id is None:
        return None
    if meeting.subject_type.model_class() is not ProjectStep:
        return None
    step = ProjectStep.objects.filter(pk=meeting.subject_id).select_related("project").first()
    rule = step.spec.meeting if step is not None else None
    if rule is None or rule.quorum is None:
        return None
    seats = int(context["seats"])
    return seats > 0 and Fraction(int(context["present"])) >= Fraction(str(rule.quorum)) * seats


def missing_for(step: ProjectStep) -> list[str]:
    """Everything the step's policy asks for that is not on file, in the order a checklist shows it."""
    return [
        *missing_documents(step),
        *_missing_meeting(step),
        *_missing_elections(step),
        *_missing_notice(step),
        *_missing_review(step),
        *_missing_implementation(step),
    ]
