"""One project in a real browser: proposal, scoring, shortlist, a refused step, the steps, the works and
the settlement (the township's and the assembly's parts done through the services meanwhile)."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django_tenants.utils import schema_context
from PIL import Image
from playwright.sync_api import expect

from cunwu_projects import services
from cunwu_projects.models import Project
from tests.projects.helpers import file_documents, fulfil

pytestmark = pytest.mark.browser


def _seat(body, n):
    import datetime as dt

    from cunwu.orgs.models import Membership, OrgUnit, Resident

    group = OrgUnit.objects.filter(parent=body.org_unit, level=OrgUnit.Level.GROUP).first()
    residents = [Resident.objects.create(name=f"{body.kind}{i}", group=group) for i in range(n)]
    for resident in residents:
        Membership.objects.create(body=body, resident=resident, start_date=dt.date(2020, 1, 1))
    return residents


def _pdf(name="doc.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, b"%PDF-1.4\n% test\n%%EOF\n", content_type="application/pdf")


def test_a_project_from_proposal_to_settlement(
    browser_page, live_url, login, dashu_live, live_cadres, tmp_path
):
    page = browser_page
    secretary, official = live_cadres["secretary"], live_cadres["official"]
    login(page, dashu_live, secretary)

    # 社收集、村整理: a round, a group's proposal, a score sheet, the 初选项目表, 立项.
    page.goto(live_url(dashu_live, "/projects/rounds/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("项目征集与评分")
    start = page.get_by_role("form", name="发起项目征集")
    start.get_by_label("村/社区").select_option(label="新民村")
    start.get_by_label("名称").fill("2026年新民村项目征集")
    start.get_by_role("button", name="发起").click()
    page.get_by_role("link", name="2026年新民村项目征集").click()
    page.get_by_label("村民小组(社)").select_option(label="一社")
    page.get_by_label("项目名称").fill("一社机耕道维护")
    page.get_by_label("类别").select_option(label="农村基础设施和环境")
    page.get_by_label("地点", exact=True).fill("一社")
    page.get_by_label("预算(元)").fill("40000")
    page.get_by_role("button", name="登记建议").click()
    expect(page.get_by_text("建议已登记。")).to_be_visible()
    page.get_by_label("一社机耕道维护 群众需求迫切程度").fill("90")
    page.get_by_label("一社机耕道维护 受益范围").fill("80")
    page.get_by_label("一社机耕道维护 实施可行性与资金匹配").fill("70")
    page.get_by_role("button", name="提交评分表").click()
    expect(page.locator("#ranking")).to_contain_text("81.00")
    page.get_by_role("button", name="结束评分,形成初选项目表").click()
    page.get_by_role("button", name="立项").click()
    expect(page.get_by_text("已立项。")).to_be_visible()

    # The board, the project, and a refused step that says what is missing.
    page.goto(live_url(dashu_live, "/projects/"))
    page.get_by_role("link", name="一社机耕道维护").click()
    expect(page.locator("#current-step-title")).to_contain_text("社收集、村整理")
    page.locator("#complete-step").click()
    expect(page.get_by_text("尚不能完成")).to_be_visible()
    expect(page.locator(".alert-danger, .alert-error").first).to_contain_text("缺少材料:初选项目表")
    page.get_by_label("材料", exact=True).select_option("初选项目表")
    page.get_by_label("文件(PDF或照片)").set_input_files(
        files=[{"name": "初选项目表.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}]
    )
    page.get_by_role("button", name="上传", exact=True).click()
    expect(page.get_by_text("材料已上传。")).to_be_visible()

    # The village's meetings and the township's reviews, done meanwhile through the services.
    with schema_context(dashu_live.schema_name):
        project = Project.objects.get(title="一社机耕道维护")
        step = project.current_step
        file_documents(step, secretary, _pdf, skip=("初选项目表",))
        fulfil_step = step
        from tests.projects.helpers import meet

        meet(fulfil_step, secretary, _seat, present=8)
    connection.set_schema_to_public()
    page.reload()
    expect(page.get_by_text("本步骤要求已全部满足,可以完成。")).to_be_visible()
    page.locator("#complete-step").click()
    expect(page.get_by_text("本步骤已完成。")).to_be_visible()
    expect(page.locator("#current-step-title")).to_contain_text("“两委”提议")
    with schema_context(dashu_live.schema_name):
        project.refresh_from_db()
        while project.current_step.spec.kind == "procedure":
            step = project.current_step
            fulfil(step, village_actor=secretary, township_actor=official, pdf=_pdf, seat=_seat)
            services.complete_step(
                step, actor=official if "township_official" in step.spec.roles else secretary
            )
            project.refresh_from_db()
        file_documents(project.current_step, secretary, _pdf)
    connection.set_schema_to_public()

    # 阳光操作: photos before, during and after; progress; the monthly 公示; completion and settlement.
    page.reload()
    expect(page.locator("#project-status")).to_have_text("实施中")
    for phase, size in (("实施前", (3264, 2448)), ("实施中", (40, 30)), ("实施后", (40, 30))):
        buffer = io.BytesIO()
        Image.new("RGB", size, (90, 140, 60)).save(buffer, format="JPEG")
        photo = tmp_path / f"{size[0]}.jpg"
        photo.write_bytes(buffer.getvalue())
        page.get_by_label("拍摄位置").fill("一社路口")
        page.get_by_label("阶段").select_option(label=phase)
        page.get_by_label("照片", exact=True).set_input_files(str(photo))
        page.get_by_role("button", name="上传照片").click()
        expect(page.get_by_text("照片已上传。")).to_be_visible()
    page.get_by_label("用途").fill("碎石")
    page.get_by_label("金额(元)").fill("15000")
    page.get_by_role("button", name="登记支出").click()
    page.get_by_label("进度(%)").fill("100")
    page.get_by_role("button", name="更新进度").click()
    expect(page.locator("#progress")).to_have_text("100%")
    page.get_by_role("button", name="生成并发布公示").click()
    expect(page.get_by_text("月度公示已发布。")).to_be_visible()
    page.locator("#complete-step").click()
    expect(page.locator("#project-status")).to_have_text("已完工待报账")
    expect(page.locator("#current-step-title")).to_contain_text("报账")
    page.locator("#complete-step").click()
    expect(page.locator("#project-status")).to_have_text("已报账")
    page.get_by_role("link", name="时间线").click()
    expect(page.get_by_text("资金使用及进度公示").first).to_be_visible()
    page.screenshot(path="/tmp/cunwu-project-timeline.png", full_page=True)
