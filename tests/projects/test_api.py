"""REST endpoints under /api/projects/ and the pages under /projects/, for the roles that use them."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import pytest

from cunwu_projects import services
from cunwu_projects.models import Project


@pytest.fixture
def secretary_client(host_client, dashu, cadres):
    client = host_client(dashu)
    client.force_login(cadres[0])
    return client


@pytest.fixture
def official_client(host_client, dashu, cadres):
    client = host_client(dashu)
    client.force_login(cadres[1])
    return client


def _start(client, village) -> dict:
    response = client.post(
        "/api/projects/projects/",
        {
            "village": village.pk,
            "title": "新民村路灯",
            "category": "infrastructure",
            "location": "三社",
            "budget": "8000.00",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_a_step_refused_over_rest_lists_what_is_missing(secretary_client, village, pdf):
    project = _start(secretary_client, village)
    step = project["current_step"]
    assert step["code"] == "collect" and "缺少材料:初选项目表" in step["missing"]
    refused = secretary_client.post(
        f"/api/projects/steps/{step['id']}/complete/", {}, content_type="application/json"
    )
    assert refused.status_code == 400
    assert "缺少材料:项目征求意见表" in refused.json()["missing"]
    assert "未召开村民议事会会议" in refused.json()["missing"]
    uploaded = secretary_client.post(
        f"/api/projects/steps/{step['id']}/documents/", {"document": "初选项目表", "file": pdf()}
    )
    assert uploaded.status_code == 201
    wrong = secretary_client.post(
        f"/api/projects/steps/{step['id']}/documents/", {"document": "随便", "file": pdf()}
    )
    assert wrong.status_code == 400 and "不需要" in wrong.json()["detail"]
    checklist = secretary_client.get(f"/api/projects/projects/{project['id']}/checklist/").json()
    first = {d["name"]: d["on_file"] for d in checklist[0]["documents"]}
    assert first["初选项目表"] is True and first["会议纪要"] is False
    timeline = secretary_client.get(f"/api/projects/projects/{project['id']}/timeline/").json()
    assert any("初选项目表" in e["text"] for e in timeline)
    archive = secretary_client.get(f"/api/projects/projects/{project['id']}/archive/")
    names = zipfile.ZipFile(io.BytesIO(archive.content)).namelist()
    assert any(n.endswith(".pdf") and "初选项目表" in n for n in names) and "清单.tsv" in names


def test_the_township_queue_and_review_over_rest(secretary_client, official_client, village, cadres):
    secretary, _official = cadres
    project = Project.objects.get(pk=_start(secretary_client, village)["id"])
    # Move the plan to the pre-review (the collection and proposal steps overridden by a cadre who may).
    from cunwu.roles.models import RoleAssignment

    RoleAssignment.objects.create(user=secretary, role="township_official", org_unit=village.parent)
    for _ in range(2):
        services.complete_step(project.current_step, actor=secretary, override_reason="测试:材料后补")
        project.refresh_from_db()
    queue = official_client.get("/api/projects/queue/").json()
    assert [(item["project"]["id"], item["reason"]) for item in queue] == [(project.pk, "待初审")]
    step_id = project.current_step_id
    denied = secretary_client.post(
        f"/api/projects/steps/{step_id}/review/",
        {"outcome": "approved", "opinion": ""},
        content_type="application/json",
    )
    assert denied.status_code == 400  # an opinion is required
    sent_back = official_client.post(
        f"/api/projects/steps/{step_id}/review/",
        {"outcome": "changes_requested", "opinion": "请核减预算"},
        content_type="application/json",
    )
    assert sent_back.status_code == 201
    detail = official_client.get(f"/api/projects/projects/{project.pk}/").json()
    assert detail["current_step"]["code"] == "propose" and detail["current_step"]["attempt"] == 2
    assert official_client.get("/api/projects/queue/").json() == []


def test_scoring_over_rest(secretary_client, village):
    from cunwu.orgs.models import OrgUnit

    group = OrgUnit.objects.filter(parent=village).first()
    round_ = secretary_client.post(
        "/api/projects/rounds/",
        {"village": village.pk, "year": 2026, "title": "征集"},
        content_type="application/json",
    ).json()
    proposal = secretary_client.post(
        f"/api/projects/rounds/{round_['id']}/proposals/",
        {
            "group": group.pk,
            "title": "水渠",
            "category": "production",
            "location": "一社",
            "estimated_budget": "5000",
        },
        content_type="application/json",
    ).json()
    ranking = secretary_client.post(
        f"/api/projects/rounds/{round_['id']}/sheet/",
        {"scores": {str(proposal["id"]): {"need": 100, "benefit": 50}}},
        content_type="application/json",
    ).json()
    assert ranking[0]["total"] is None and "实施可行性与资金匹配" in ranking[0]["missing"][0]
    bad = secretary_client.post(
        f"/api/projects/rounds/{round_['id']}/sheet/",
        {"scores": {str(proposal["id"]): {"need": 500}}},
        content_type="application/json",
    )
    assert bad.status_code == 400


def test_summary_and_schema(secretary_client, village, dashu):
    _start(secretary_client, village)
    rows = secretary_client.get("/api/projects/summary/?year=" + str(Project.objects.get().year)).json()
    mine = next(r for r in rows if r["village"] == village.pk)
    assert mine["projects"] == 1 and Decimal(mine["budget"]) == Decimal("8000.00")
    schema = secretary_client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/projects/steps/{id}/complete/" in schema.content


def test_no_role_no_access_and_off_where_disabled(host_client, dashu, county_b, make_user):
    client = host_client(dashu)
    client.force_login(make_user())
    assert client.get("/api/projects/projects/").status_code == 403
    assert client.get("/projects/").status_code == 403
    other = host_client(county_b)
    assert other.get("/api/projects/projects/").status_code == 404
    assert other.get("/projects/").status_code == 404


def test_pages_walk_and_refusal_shown(secretary_client, village, pdf):
    empty = secretary_client.get("/projects/")
    assert empty.status_code == 200 and "还没有项目" in empty.content.decode()
    response = secretary_client.post(
        "/projects/new/",
        {
            "village": village.pk,
            "title": "页面项目",
            "category": "livelihood",
            "location": "二社",
            "budget": "3000",
        },
    )
    project = Project.objects.get(title="页面项目")
    assert response.status_code == 302 and response["Location"] == f"/projects/{project.pk}/"
    board = secretary_client.get("/projects/").content.decode()
    assert "社收集、村整理" in board and "页面项目" in board
    step = project.current_step
    refused = secretary_client.post(f"/projects/{project.pk}/steps/{step.pk}/complete/", {}, follow=True)
    text = refused.content.decode()
    assert "尚不能完成" in text and "缺少材料:初选项目表" in text
    secretary_client.post(
        f"/projects/{project.pk}/steps/{step.pk}/document/",
        {"document": "初选项目表", "file": pdf()},
        follow=True,
    )
    checklist = secretary_client.get(f"/projects/{project.pk}/checklist/").content.decode()
    assert "✓ 在案" in checklist
    export = secretary_client.get("/projects/?format=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    for url in (
        "/projects/queue/",
        "/projects/summary/",
        "/projects/rounds/",
        f"/projects/{project.pk}/timeline/",
    ):
        status = secretary_client.get(url).status_code
        assert status == (403 if url == "/projects/queue/" else 200), url


def test_self_assessment_page_and_alerts_on_the_board(secretary_client, village, cadres):
    from cunwu_projects.models import Alert, SelfAssessment

    saved = secretary_client.post(
        "/projects/rounds/",
        {
            "action": "assessment",
            "village": village.pk,
            "year": 2026,
            "summary": "道路和饮水是短板",
            "items": "道路|三社村道破损2公里|硬化维修\n饮水|管网老化|更换",
        },
        follow=True,
    )
    assert "现状分析自查表已保存" in saved.content.decode()
    assert SelfAssessment.objects.get().items[1] == {"area": "饮水", "state": "管网老化", "need": "更换"}
    bad = secretary_client.post(
        "/projects/rounds/",
        {"action": "assessment", "village": village.pk, "year": 2026, "summary": "x", "items": "只有一段"},
        follow=True,
    )
    assert "方面|现状|需求" in bad.content.decode() and SelfAssessment.objects.count() == 1
    project = Project.objects.get(pk=_start(secretary_client, village)["id"])
    Alert.objects.create(
        project=project, kind=Alert.Kind.DISCLOSURE_OVERDUE, period="2026-01", message="逾期"
    )
    assert "1 条提醒" in secretary_client.get("/projects/").content.decode()


def test_the_menu_entry_is_for_the_roles_that_use_the_pages(rf, dashu, cadres, make_user):
    from cunwu.plugins.host import hooks_for

    request = rf.get("/")
    request.user = cadres[0]
    entries = [
        e for answer in hooks_for(dashu).cunwu_menu_items(request=request, county=dashu) for e in answer
    ]
    assert {"url": "/projects/", "label": "公共服务项目"}.items() <= {
        k: str(v) for k, v in entries[0].items()
    }.items()
    request.user = make_user("villager")
    assert [
        e for answer in hooks_for(dashu).cunwu_menu_items(request=request, county=dashu) for e in answer
    ] == []
