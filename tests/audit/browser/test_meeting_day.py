"""On a phone, a village secretary signs members in through the htmx search until quorum, then records
the vote and opens the printable 签到册 — the working surface of a meeting day, under the real CSP."""

from __future__ import annotations

import datetime
import re

from django.db import connection
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from cunwu.meetings import services
from cunwu.orgs.models import Body, Membership, OrgUnit, Resident


def _council_meeting(county, secretary):
    """A 5-seat council of 周村 (quorum 0.5) with five members named 会员一…会员五, and a meeting."""
    with schema_context(county.schema_name):
        village = OrgUnit.objects.get(code="zhoucun")
        body = Body.objects.create(kind=Body.Kind.OTHER, org_unit=village, name="浏览器测试议事会", seats=5)
        group = village.children.first()
        today = datetime.date.today()
        for name in ("会员一", "会员二", "会员三", "会员四", "会员五"):
            resident = Resident.objects.create(name=name, group=group)
            Membership.objects.create(
                body=body, resident=resident, start_date=today - datetime.timedelta(days=30)
            )
        meeting = services.schedule_meeting(
            body=body, held_on=today, place="村委会议室", agenda="审议村道修缮", actor=secretary
        )
    connection.set_schema_to_public()
    return meeting


def test_secretary_signs_in_to_quorum_and_records_a_vote(
    phone_page, browser_county, browser_user, live_url, login
):
    secretary = browser_user(role="village_secretary", display_name="周书记")
    meeting = _council_meeting(browser_county, secretary)
    page = phone_page
    login(page, browser_county, secretary)
    page.goto(live_url(browser_county, f"/meetings/{meeting.pk}/"))
    expect(page.get_by_text("未达法定人数")).to_be_visible()

    page.get_by_label("查找本村村民(成员排在前面)").fill("会员")
    for name in ("会员一", "会员二", "会员三"):
        row = page.locator("#candidates li", has_text=name)
        row.get_by_role("button", name="签到").click()
        expect(page.locator("#attendance")).to_contain_text(name)
    # Signed in in place (htmx), not by reloading: the search box keeps its text, the rows left the list.
    expect(page.get_by_label("查找本村村民(成员排在前面)")).to_have_value("会员")
    expect(page.locator("#candidates li", has_text="会员一")).to_have_count(0)
    expect(page.locator("#candidates li", has_text="会员四")).to_have_count(1)
    expect(page.locator("#attendance")).to_contain_text("已达法定人数")
    expect(page.locator("#attendance")).to_contain_text("到会表决成员 3 人,应到 5 人")

    page.get_by_label("表决事项").fill("村道修缮方案")
    page.get_by_label("赞成").fill("2")
    page.get_by_label("反对").fill("1")
    page.get_by_label("弃权").fill("0")
    page.get_by_role("button", name="记录表决结果").click()
    expect(page.get_by_text(re.compile("表决已记录:村道修缮方案,通过"))).to_be_visible()

    page.get_by_role("link", name="打印签到册").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("会议签到册")
    expect(page.locator("table").first).to_contain_text("会员五")
