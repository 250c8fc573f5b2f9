"""One 大树镇 project from the villager groups' proposals to settlement, at the service level."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from cunwu.audit.models import AuditEntry
from cunwu.disclosure.models import Notice
from cunwu.orgs.models import OrgUnit
from cunwu.plugins.hookspecs import hookimpl
from cunwu.plugins.host import plugin_manager
from cunwu_projects import implementation, reports, selection, services
from cunwu_projects.errors import ProjectError, StepRefused
from cunwu_projects.models import Alert, ProjectPost
from tests.projects.helpers import fulfil


def test_a_project_from_proposal_to_settlement(village, cadres, make_user, pdf, photo, seat):
    secretary, official = cadres
    today = timezone.localdate()
    # 社收集、村整理: self-assessment, proposals by group, scoring, the 初选项目表.
    selection.record_self_assessment(
        village=village,
        year=today.year,
        summary="村道破损,饮水管网老化",
        items=[{"area": "道路", "state": "破损3公里", "need": "维修"}],
        actor=secretary,
    )
    round_ = selection.open_round(village=village, year=today.year, title="项目征集", actor=secretary)
    group = OrgUnit.objects.filter(parent=village).first()
    road = selection.submit_proposal(
        round_,
        group=group,
        title="一社道路维护",
        category="infrastructure",
        location="一社",
        estimated_budget=Decimal("50000.00"),
        actor=secretary,
    )
    selection.submit_sheet(
        round_, scores={road.pk: {"need": 90, "benefit": 80, "feasibility": 70}}, actor=secretary
    )
    (row,) = selection.close_round(round_, actor=secretary)
    assert row.proposal.shortlisted and row.total == Decimal("81.00")
    project = services.start_project(
        village=village,
        title=road.title,
        category=road.category,
        location=road.location,
        budget=road.estimated_budget,
        proposal=road,
        actor=secretary,
    )
    neighbour = OrgUnit.objects.get(code="maiping")
    services.set_shares(project, {village: Decimal("60"), neighbour: Decimal("40")}, actor=official)

    # The six steps; the pre-review sends the plan back once.
    sent_back = False
    while project.current_step.spec.kind == "procedure":
        step = project.current_step
        if step.code == "pre_review" and not sent_back:
            services.review_step(step, outcome="changes_requested", opinion="请补充资金来源", actor=official)
            sent_back = True
            project.refresh_from_db()
            continue
        fulfil(step, village_actor=secretary, township_actor=official, pdf=pdf, seat=seat)
        actor = official if "township_official" in step.spec.roles else secretary
        services.complete_step(step, actor=actor)
        project.refresh_from_db()
    assert project.status == "implementing" and project.current_step.code == "implement"

    # Implementation: posts, photos by place, spending, progress, the monthly 公示.
    post = implementation.define_post(
        project,
        title="道路养护员",
        duties="日常巡查养护",
        monthly_pay=Decimal("800"),
        openings=1,
        actor=secretary,
    )
    assert implementation.hand_over_posts(project, actor=secretary) == 0  # no hiring plugin: it waits
    post.refresh_from_db()
    assert post.status == ProjectPost.Status.AWAITING
    step = project.current_step
    for document in step.spec.documents:
        services.attach_document(step, pdf(), document=document, actor=secretary)
    for place in ("一社路口", "二社桥头"):
        implementation.add_site_photo(project, photo(), place=place, phase="before", actor=secretary)
        implementation.add_site_photo(project, photo(), place=place, phase="during", actor=secretary)
    implementation.record_expense(
        project, spent_on=today, item="水泥", amount=Decimal("12000.50"), actor=secretary
    )
    implementation.report_progress(project, percent=100, actor=secretary)
    with pytest.raises(StepRefused) as refused:
        services.complete_step(step, actor=secretary)
    assert refused.value.missing == [
        "一社路口的实施前照片不足800万像素",
        "一社路口缺少实施后照片",
        "二社桥头的实施前照片不足800万像素",
        "二社桥头缺少实施后照片",
    ]
    for place in ("一社路口", "二社桥头"):
        implementation.add_site_photo(
            project, photo(size=(3264, 2448)), place=place, phase="before", actor=secretary
        )
    for place in ("一社路口", "二社桥头"):
        implementation.add_site_photo(project, photo(), place=place, phase="after", actor=secretary)
    pairs = implementation.photo_pairs(project)
    assert [(p["point"].place, len(p["before"]), len(p["after"])) for p in pairs] == [
        ("一社路口", 2, 1),
        ("二社桥头", 2, 1),
    ]
    disclosure = implementation.post_monthly_disclosure(project, month=today, actor=secretary)
    assert disclosure.spent_total == Decimal("12000.50") and disclosure.progress_percent == 100
    notice = Notice.objects.get(pk=disclosure.notice_id)
    assert "12000.50" in notice.body and notice.org_unit == village
    with pytest.raises(ProjectError):
        implementation.post_monthly_disclosure(project, month=today, actor=secretary)
    services.complete_step(step, actor=secretary)
    project.refresh_from_db()
    assert project.status == "completed" and project.completed_on == today
    assert project.settlement_due == today + dt.timedelta(days=7)

    # Settlement not done within 7 days: flagged and escalated to the township, once.
    assert implementation.scan_deadlines(today + dt.timedelta(days=7)) == 0
    assert implementation.scan_deadlines(today + dt.timedelta(days=8)) == 1
    assert implementation.scan_deadlines(today + dt.timedelta(days=9)) == 0
    late = Alert.objects.get(project=project, kind=Alert.Kind.SETTLEMENT_LATE)
    assert AuditEntry.objects.filter(action="projects.settlement_escalated").count() == 1
    assert project in [item.project for item in reports.township_queue(official)]
    services.complete_step(project.current_step, actor=secretary)
    project.refresh_from_db()
    late.refresh_from_db()
    assert project.status == "settled" and project.current_step is None and late.resolved_at is not None

    # The timeline holds every document, decision and notice; the archive every document.
    timeline = reports.timeline(project)
    kinds = {entry.kind for entry in timeline}
    assert {"document", "decision", "notice", "review", "step"} <= kinds
    assert any("请补充资金来源" in entry.text for entry in timeline)
    archive = reports.archive(project)
    import io
    import zipfile

    names = zipfile.ZipFile(io.BytesIO(archive)).namelist()
    assert any("初选项目表" in name for name in names)
    assert any("实施后" in name for name in names)
    summary = reports.year_summary(project.year, [village, neighbour])
    mine = next(s for s in summary if s["village"] == village)
    assert mine["projects"] == 1 and mine["settled"] == 1 and mine["budget"] == Decimal("30000.00")
    theirs = next(s for s in summary if s["village"] == neighbour)
    assert theirs["projects"] == 1 and theirs["budget"] == Decimal("20000.00")


class HiringPlugin:
    """Stands in for a position-hiring plugin answering the hand-over rule."""

    @hookimpl
    def cunwu_decide(self, rule, context):
        if rule == "projects.hiring_handover":
            return {post["id"]: {"competition": f"JG-{post['id']}"} for post in context["posts"]}
        return None


def test_posts_are_handed_over_when_a_hiring_plugin_answers(dashu, village, cadres):
    from cunwu.tenancy.models import PluginEnablement

    secretary, _official = cadres
    project = services.start_project(
        village=village,
        title="保洁",
        category="social_management",
        location="全村",
        budget=Decimal("6000"),
        actor=secretary,
    )
    post = implementation.define_post(
        project,
        title="保洁员",
        duties="公共区域保洁",
        monthly_pay=Decimal("600"),
        openings=2,
        actor=secretary,
    )
    plugin = HiringPlugin()
    plugin_manager().register(plugin, name="hiring-test")
    try:
        # Installed but off in this county: nobody answers, the post keeps waiting.
        assert implementation.hand_over_posts(project, actor=secretary) == 0
        PluginEnablement.objects.create(county=dashu, plugin="hiring-test", enabled=True)
        assert implementation.hand_over_posts(project, actor=secretary) == 1
    finally:
        plugin_manager().unregister(plugin)
    post.refresh_from_db()
    assert post.status == ProjectPost.Status.HANDED_OVER and post.handover == {"competition": f"JG-{post.pk}"}


def test_monthly_disclosure_reminds_before_it_is_due_and_flags_it_after(village, cadres, pdf, seat):
    secretary, official = cadres
    project = services.start_project(
        village=village,
        title="路灯",
        category="infrastructure",
        location="二社",
        budget=Decimal("9000"),
        actor=secretary,
    )
    while project.current_step.spec.kind == "procedure":
        step = project.current_step
        fulfil(step, village_actor=secretary, township_actor=official, pdf=pdf, seat=seat)
        services.complete_step(step, actor=official if "township_official" in step.spec.roles else secretary)
        project.refresh_from_db()
    started = project.current_step.started_on
    due = implementation.next_month(implementation.first_of_month(started)).replace(day=5)
    assert implementation.scan_deadlines(due - dt.timedelta(days=4)) == 0
    assert implementation.scan_deadlines(due - dt.timedelta(days=3)) == 1
    assert Alert.objects.get(project=project).kind == Alert.Kind.DISCLOSURE_DUE
    implementation.scan_deadlines(due + dt.timedelta(days=1))
    assert Alert.objects.filter(project=project, kind=Alert.Kind.DISCLOSURE_OVERDUE).count() == 1
    states = [m.state for m in implementation.disclosure_schedule(project, due + dt.timedelta(days=1))]
    assert states[0] == "overdue"


def test_province_metrics_and_the_periodic_task_come_from_the_hooks(dashu, village, cadres):
    from cunwu.plugins.host import hooks_for
    from cunwu_projects.tasks import scan_deadlines

    secretary, _official = cadres
    services.start_project(
        village=village,
        title="文化室",
        category="livelihood",
        location="村委会",
        budget=Decimal("12000.50"),
        actor=secretary,
    )
    hooks = hooks_for(dashu)
    merged = {}
    for answer in hooks.cunwu_province_metrics(county=dashu, year=timezone.localdate().year):
        merged.update(answer)
    assert merged["projects_started"] == 1 and merged["projects_budget"] == "12000.50"
    entries = [e for answers in hooks.cunwu_periodic_tasks() for e in answers]
    assert "cunwu_projects.tasks.scan_deadlines" in [e["task"] for e in entries]
    assert scan_deadlines() == 0  # the task runs the deadline check in the county it is given
