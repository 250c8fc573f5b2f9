"""Meetings: quorum from policy, majority rules, vote counts bounded by attendance, non-members."""

from __future__ import annotations

import pytest
from django.db import connection

from cunwu.audit.models import AuditEntry
from cunwu.meetings import services
from cunwu.meetings.errors import MeetingError, QuorumNotMet, VotesExceedAttendance
from cunwu.meetings.models import Attendance, Decision
from cunwu.plugins.hookspecs import hookimpl
from cunwu.plugins.host import plugin_manager
from cunwu.tenancy.models import County
from tests.audit.conftest import MEETING_DAY


@pytest.fixture
def secretary(make_user, zhoucun):
    return make_user(role="village_secretary", org_unit=zhoucun)


@pytest.fixture
def meeting(council, secretary):
    return services.schedule_meeting(
        body=council, held_on=MEETING_DAY, place="村委会议室", agenda="审议道路硬化项目", actor=secretary
    )


def _vote(meeting, actor, votes_for, against=0, abstain=0, majority="simple"):
    return services.record_decision(
        meeting,
        title="道路硬化项目",
        votes_for=votes_for,
        votes_against=against,
        abstentions=abstain,
        actor=actor,
        majority=majority,
    )


def test_quorum_boundary_on_fifteen_seats(meeting, residents, secretary):
    services.sign_in(meeting, residents[:7], actor=secretary)
    assert not meeting.quorum_met
    with pytest.raises(QuorumNotMet) as refused:
        _vote(meeting, secretary, 7)
    assert str(refused.value) == "出席 7 人,应到 15 人,未达法定人数(需过半数)"
    assert not Decision.objects.filter(meeting=meeting).exists()
    services.sign_in(meeting, residents[7:8], actor=secretary)
    assert meeting.quorum_met
    assert _vote(meeting, secretary, 5, 2, 1).passed


def test_exactly_half_meets_a_half_quorum_and_falls_short_of_two_thirds(
    meeting, council, residents, secretary
):
    council.seats = 14
    council.save()
    services.sign_in(meeting, residents[:7], actor=secretary)
    assert meeting.quorum_met  # 7 / 14 ≥ 0.5
    council.quorum = "0.667"  # 三分之二以上
    council.save()
    assert not meeting.quorum_met
    with pytest.raises(QuorumNotMet, match="需三分之二以上"):
        _vote(meeting, secretary, 7)
    services.sign_in(meeting, residents[7:10], actor=secretary)  # 10 / 14 ≥ 2/3 (9.33)
    assert meeting.quorum_met


def test_non_members_are_recorded_but_do_not_count(meeting, residents, secretary):
    outsiders = residents[15:20]  # left before, joined after, and three who never sat on the council
    services.sign_in(meeting, [*residents[:7], *outsiders], actor=secretary)
    rows = Attendance.objects.filter(meeting=meeting)
    assert rows.count() == 12 and rows.filter(voting=True).count() == 7
    assert not meeting.quorum_met


def test_seats_fall_back_to_current_member_count(meeting, council, residents, secretary):
    council.seats = None
    council.save()
    services.sign_in(meeting, residents[:8], actor=secretary)  # 8 of 15 current members
    assert meeting.quorum_met
    with pytest.raises(QuorumNotMet, match="应到 15 人"):
        council.quorum = "0.6"
        council.save()
        _vote(meeting, secretary, 8)


@pytest.mark.parametrize(
    ("votes_for", "majority", "passed"),
    [(5, "simple", False), (6, "simple", True), (6, "two_thirds", False), (7, "two_thirds", True)],
)
def test_majority_rules_count_present_voting_members(
    meeting, residents, secretary, votes_for, majority, passed
):
    services.sign_in(meeting, residents[:10], actor=secretary)
    services.sign_in(meeting, residents[17:], actor=secretary)  # non-voting: do not raise the bar
    decision = _vote(meeting, secretary, votes_for, 10 - votes_for, 0, majority=majority)
    assert decision.present == 10
    assert decision.passed is passed


def test_more_votes_than_attendance_are_refused(meeting, residents, secretary):
    services.sign_in(meeting, residents[:9], actor=secretary)
    with pytest.raises(VotesExceedAttendance, match="超过到会表决成员 9 人"):
        _vote(meeting, secretary, 6, 3, 1)
    with pytest.raises(MeetingError):
        _vote(meeting, secretary, -1, 3, 1)
    assert not Decision.objects.exists()


def test_signing_in_twice_changes_nothing_and_every_step_is_audited(meeting, residents, secretary):
    assert services.sign_in(meeting, residents[:3], actor=secretary)
    assert services.sign_in(meeting, residents[:3], actor=secretary) == []
    services.record_minutes(meeting, text="会议由村书记主持……", actor=secretary)
    with pytest.raises(MeetingError):
        services.record_minutes(meeting, text="  ", actor=secretary)
    meeting.refresh_from_db()
    assert meeting.minutes == "会议由村书记主持……" and meeting.minutes_recorded_by == secretary
    actions = list(AuditEntry.objects.filter(target_id=str(meeting.pk)).values_list("action", flat=True))
    assert sorted(actions) == [
        "meetings.meeting.minutes",
        "meetings.meeting.schedule",
        "meetings.meeting.sign_in",
    ]
    assert set(AuditEntry.objects.filter(target_id=str(meeting.pk)).values_list("org_path", flat=True)) == {
        meeting.org_path
    }


class _StrictMajorityPolicy:
    """A county rule: a meeting needs strictly more than half of the seats (过半数)."""

    @hookimpl
    def cunwu_decide(self, rule, context):
        if rule == "meetings.quorum_met":
            return 2 * context["present"] > context["seats"]
        return None


def test_a_county_plugin_can_override_the_quorum_rule(meeting, council, residents, secretary, monkeypatch):
    council.seats = 14
    council.save()
    services.sign_in(meeting, residents[:7], actor=secretary)
    assert meeting.quorum_met  # default: 7 / 14 ≥ 0.5
    manager = plugin_manager()
    manager.register(_StrictMajorityPolicy(), name="strict_quorum")
    try:
        monkeypatch.setattr(County, "enabled_plugin_slugs", lambda county: ["strict_quorum"])
        monkeypatch.setattr(connection.tenant, "plugins_version", 10_000 + connection.tenant.plugins_version)
        assert not meeting.quorum_met
        with pytest.raises(QuorumNotMet):
            _vote(meeting, secretary, 7)
    finally:
        manager.unregister(name="strict_quorum")
