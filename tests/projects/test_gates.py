"""A step is refused until everything its policy asks for is on file; the refusal says what is missing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cunwu.audit.models import AuditEntry
from cunwu_projects import services
from cunwu_projects.errors import NotAllowed, StepRefused
from cunwu_projects.models import ProjectStep
from tests.projects.helpers import file_documents, fulfil, meet, publish


@pytest.fixture
def project(cadres, village):
    secretary, _official = cadres
    return services.start_project(
        village=village,
        title="新民村饮水维护",
        category="infrastructure",
        location="二社",
        budget=Decimal("20000"),
        actor=secretary,
    )


def _advance_to(project, code, cadres, pdf, seat):
    secretary, official = cadres
    while project.current_step.code != code:
        step = project.current_step
        fulfil(step, village_actor=secretary, township_actor=official, pdf=pdf, seat=seat)
        actor = official if "township_official" in step.spec.roles else secretary
        services.complete_step(step, actor=actor)
        project.refresh_from_db()
    return project.current_step


def test_a_missing_document_is_refused_naming_it(project, cadres, pdf, seat):
    secretary, _official = cadres
    step = project.current_step
    file_documents(step, secretary, pdf, skip=("初选项目表", "会议纪要"))
    meet(step, secretary, seat, present=8)
    with pytest.raises(StepRefused) as refused:
        services.complete_step(step, actor=secretary)
    assert refused.value.missing == ["缺少材料:会议纪要", "缺少材料:初选项目表"]
    assert "初选项目表" in str(refused.value)
    step.refresh_from_db()
    assert step.status == ProjectStep.Status.ACTIVE
    services.attach_document(step, pdf(), document="会议纪要", actor=secretary)
    services.attach_document(step, pdf(), document="初选项目表", actor=secretary)
    assert services.complete_step(step, actor=secretary).status == ProjectStep.Status.DONE
    project.refresh_from_db()
    assert project.current_step.code == "propose"


def test_a_failed_quorum_is_refused_with_the_reason(project, cadres, pdf, seat):
    secretary, _official = cadres
    step = project.current_step
    file_documents(step, secretary, pdf)
    _record, refusal = meet(step, secretary, seat, present=3, seats=10)
    assert refusal
    with pytest.raises(StepRefused) as refused:
        services.complete_step(step, actor=secretary)
    assert refused.value.missing == ["村民议事会会议出席人数未达到法定人数,表决无效"]


def test_a_vote_that_fails_is_refused(project, cadres, pdf, seat):
    secretary, _official = cadres
    step = project.current_step
    file_documents(step, secretary, pdf)
    meet(step, secretary, seat, present=8, votes_for=2)
    with pytest.raises(StepRefused) as refused:
        services.complete_step(step, actor=secretary)
    assert refused.value.missing == ["村民议事会表决未获通过(过半数)"]


def test_an_unfinished_notice_period_is_refused_saying_when_it_ends(project, cadres, pdf, seat):
    secretary, _official = cadres
    step = _advance_to(project, "publicize", cadres, pdf, seat)
    file_documents(step, secretary, pdf)
    with pytest.raises(StepRefused) as refused:
        services.complete_step(step, actor=secretary)
    assert refused.value.missing == ["未张榜公示(公示期不少于7天)"]
    publish(step, secretary, days_ago=2)
    with pytest.raises(StepRefused) as refused:
        services.complete_step(step, actor=secretary)
    (reason,) = refused.value.missing
    assert "公示" in reason  # the notices service's own words, with the end of the period
    publish(step, secretary, days_ago=8)
    assert services.complete_step(step, actor=secretary).status == ProjectStep.Status.DONE


def test_elections_are_required_and_make_project_scoped_role_holders(project, cadres, pdf, seat, make_user):
    from cunwu.orgs.models import Body, OrgUnit, Resident
    from cunwu.roles.permissions import has_role

    secretary, _official = cadres
    step = _advance_to(project, "resolve", cadres, pdf, seat)
    file_documents(step, secretary, pdf)
    meet(step, secretary, seat, present=8)
    with pytest.raises(StepRefused) as refused:
        services.complete_step(step, actor=secretary)
    assert refused.value.missing == ["未选举产生理财小组", "未选举产生质量监督小组"]
    group = OrgUnit.objects.filter(parent=project.village, level="group").first()
    people = [Resident.objects.create(name=f"理财{i}", group=group) for i in range(3)]
    member = make_user()
    member.resident_id = people[0].pk
    member.save()
    services.elect_group(step, kind="finance_group", members=people, method="举手表决", actor=secretary)
    assert Body.objects.get(kind="finance_group", scope_object=project.scope).memberships.count() == 3
    assert has_role(member, "finance_group", org_unit=project.village, scope_object=project.scope)
    assert not has_role(
        member, "finance_group", org_unit=project.village, scope_object="cunwu_projects.project:0"
    )
    with pytest.raises(StepRefused) as refused:
        services.complete_step(step, actor=secretary)
    assert refused.value.missing == ["未选举产生质量监督小组"]


def test_pre_review_changes_send_the_plan_back_with_history(project, cadres, pdf, seat):
    secretary, official = cadres
    step = _advance_to(project, "pre_review", cadres, pdf, seat)
    with pytest.raises(NotAllowed):
        services.review_step(step, outcome="approved", opinion="同意", actor=secretary)
    services.review_step(step, outcome="changes_requested", opinion="预算偏高,请修改", actor=official)
    project.refresh_from_db()
    assert project.current_step.code == "propose" and project.current_step.attempt == 2
    history = list(project.steps.filter(code__in=["propose", "pre_review"]).order_by("attempt", "position"))
    assert [(s.code, s.attempt, s.status) for s in history] == [
        ("propose", 1, "done"),
        ("pre_review", 1, "returned"),
        ("propose", 2, "active"),
        ("pre_review", 2, "waiting"),
    ]
    assert history[1].reviews.get().opinion == "预算偏高,请修改"
    # The revised plan needs its documents again: the first attempt's do not count for the second.
    with pytest.raises(StepRefused):
        services.complete_step(project.current_step, actor=secretary)


def test_override_needs_a_named_role_and_a_reason_and_is_audited(project, cadres, make_user):
    secretary, official = cadres
    step = project.current_step
    with pytest.raises(StepRefused):
        services.complete_step(step, actor=secretary, override_reason="")
    with pytest.raises(NotAllowed):
        services.complete_step(step, actor=secretary, override_reason="急需")
    # The official holds the override role but not the step's role: also refused.
    with pytest.raises(NotAllowed):
        services.complete_step(step, actor=official, override_reason="急需")
    both = make_user("township_official", project.village.parent)
    from cunwu.roles.models import RoleAssignment

    RoleAssignment.objects.create(user=both, role="village_secretary", org_unit=project.village)
    done = services.complete_step(step, actor=both, override_reason="汛期抢修,材料后补")
    assert done.status == ProjectStep.Status.OVERRIDDEN
    assert "缺少材料:初选项目表" in done.missing_at_override
    entry = AuditEntry.objects.filter(action="projects.step_overridden").get()
    assert entry.reason == "汛期抢修,材料后补"


def test_a_step_may_set_its_own_quorum_for_its_meetings(altproc, make_user, pdf, seat):
    from cunwu.orgs.models import OrgUnit

    village = OrgUnit.objects.get(code="lishu")
    secretary = make_user("village_secretary", village)
    project = services.start_project(
        village=village,
        title="梨树村水渠",
        category="production",
        location="二组",
        budget=Decimal("5000"),
        actor=secretary,
    )
    first = project.current_step
    file_documents(first, secretary, pdf)
    publish(first, secretary, days_ago=6)
    services.complete_step(first, actor=secretary)
    project.refresh_from_db()
    vote = project.current_step
    assert vote.code == "council_vote"
    file_documents(vote, secretary, pdf)
    # The council's own quorum is 0.6; this step asks for 0.75: 7 of 10 is not enough here.
    _record, refusal = meet(vote, secretary, seat, present=7, seats=10)
    assert "未达法定人数" in refusal
    with pytest.raises(StepRefused) as refused:
        services.complete_step(vote, actor=secretary)
    assert refused.value.missing == ["村民议事会会议出席人数未达到法定人数,表决无效"]
    _record, refusal = meet(vote, secretary, seat, present=8, seats=10)
    assert refusal == ""
    assert services.complete_step(vote, actor=secretary).status == ProjectStep.Status.DONE
