"""State changes of meetings. Each takes the acting user, runs in one transaction and writes the audit trail.

Permission checks belong to the callers (pages, API, plugins' own steps): these functions only refuse
what is wrong whoever asks — a decision without quorum, more votes than voters, empty minutes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from cunwu.audit.services import record, snapshot
from cunwu.meetings.errors import MeetingError, QuorumNotMet, VotesExceedAttendance
from cunwu.meetings.models import Attendance, Decision, Meeting
from cunwu.meetings.quorum import current_members, quorum_status
from cunwu.orgs.models import Body, Resident

TITLE_MAX = 200


def _subject_fields(subject: models.Model | None) -> dict[str, Any]:
    if subject is None:
        return {"subject_type": None, "subject_id": None}
    if subject.pk is None:
        raise MeetingError("关联对象尚未保存。")
    return {"subject_type": ContentType.objects.get_for_model(subject), "subject_id": subject.pk}


def _user_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def schedule_meeting(
    *, body: Body, held_on: date, place: str, agenda: str, actor: Any, subject: models.Model | None = None
) -> Meeting:
    place, agenda = place.strip(), agenda.strip()
    if not place:
        raise MeetingError("请填写会议地点。")
    if not agenda:
        raise MeetingError("请填写会议议题。")
    meeting = Meeting.objects.create(
        body=body,
        org_path=body.org_unit.path,
        held_on=held_on,
        place=place,
        agenda=agenda,
        created_by=_user_or_none(actor),
        **_subject_fields(subject),
    )
    record(actor=actor, action="meetings.meeting.schedule", target=meeting, after=snapshot(meeting))
    return meeting


@transaction.atomic
def sign_in(
    meeting: Meeting, residents: Iterable[Resident], *, actor: Any, via: str = Attendance.Via.ON_SITE
) -> list[Attendance]:
    """Add residents to the 签到册; those already signed in are left as they are.

    A resident who is a current member of the body on the meeting day signs in as a voting member;
    anyone else is recorded as a non-voting attendee (列席).
    """
    if via not in Attendance.Via.values:
        raise MeetingError(f"未知的签到方式:{via}")
    residents = list({resident.pk: resident for resident in residents}.values())
    if not residents:
        raise MeetingError("请选择签到人员。")
    meeting = Meeting.objects.select_for_update().select_related("body").get(pk=meeting.pk)
    members = set(current_members(meeting.body, meeting.held_on).values_list("resident_id", flat=True))
    already = set(meeting.attendances.values_list("resident_id", flat=True))
    now = timezone.now()
    new = [
        Attendance(
            meeting=meeting,
            resident=resident,
            voting=resident.pk in members,
            via=via,
            signed_at=now,
            signed_by=_user_or_none(actor),
        )
        for resident in residents
        if resident.pk not in already
    ]
    Attendance.objects.bulk_create(new)
    if new:
        record(
            actor=actor,
            action="meetings.meeting.sign_in",
            target=meeting,
            after={
                "via": via,
                "voting": sorted(a.resident_id for a in new if a.voting),
                "non_voting": sorted(a.resident_id for a in new if not a.voting),
            },
        )
    return new


@transaction.atomic
def record_minutes(meeting: Meeting, *, text: str, actor: Any) -> Meeting:
    text = text.strip()
    if not text:
        raise MeetingError("会议记录不能为空。")
    before = {"minutes": meeting.minutes}
    meeting.minutes = text
    meeting.minutes_recorded_by = _user_or_none(actor)
    meeting.minutes_recorded_at = timezone.now()
    meeting.save(update_fields=["minutes", "minutes_recorded_by", "minutes_recorded_at"])
    record(
        actor=actor, action="meetings.meeting.minutes", target=meeting, before=before, after={"minutes": text}
    )
    return meeting


@transaction.atomic
def record_decision(
    meeting: Meeting,
    *,
    title: str,
    votes_for: int,
    votes_against: int,
    abstentions: int,
    actor: Any,
    majority: str = Decision.Majority.SIMPLE,
    subject: models.Model | None = None,
) -> Decision:
    """Record a vote. Refused without quorum, or with more votes than voting members present."""
    title = title.strip()
    if not title:
        raise MeetingError("请填写表决事项。")
    if len(title) > TITLE_MAX:
        raise MeetingError(f"表决事项不能超过 {TITLE_MAX} 字。")
    if majority not in Decision.Majority.values:
        raise MeetingError(f"未知的通过规则:{majority}")
    counts = (votes_for, votes_against, abstentions)
    if any(not isinstance(n, int) or isinstance(n, bool) or n < 0 for n in counts):
        raise MeetingError("票数必须是非负整数。")
    # Lock the meeting so that attendance cannot change between the quorum check and the insert.
    meeting = Meeting.objects.select_for_update().select_related("body").get(pk=meeting.pk)
    status = quorum_status(meeting)
    if not status.met:
        raise QuorumNotMet(status.message, present=status.present, seats=status.seats)
    if sum(counts) > status.present:
        raise VotesExceedAttendance(
            f"赞成 {votes_for} 票、反对 {votes_against} 票、弃权 {abstentions} 票,"
            f"共 {sum(counts)} 票,超过到会表决成员 {status.present} 人。"
        )
    decision = Decision.objects.create(
        meeting=meeting,
        title=title,
        votes_for=votes_for,
        votes_against=votes_against,
        abstentions=abstentions,
        present=status.present,
        majority=majority,
        recorded_by=_user_or_none(actor),
        **_subject_fields(subject),
    )
    after = snapshot(decision) | {"passed": decision.passed}
    record(actor=actor, action="meetings.decision.record", target=decision, after=after)
    return decision
