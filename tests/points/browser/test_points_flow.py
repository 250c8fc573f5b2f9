"""Register → approve → redeem → the villager's passbook (on a phone) shows both figures."""

from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def test_register_approve_redeem_and_the_passbook_shows_both_figures(
    new_context, live_url, login, points_browser_county, points_people
):
    county = points_browser_county

    def page_for(user, **options):
        page = new_context(locale="zh-CN", **options).new_page()
        login(page, county, user)
        return page

    registrar = page_for(points_people["points_registrar"])
    registrar.goto(live_url(county, "/points/register/"))
    registrar.get_by_label("村民", exact=True).select_option(label="黎阿妹")
    registrar.get_by_label("评分条目").select_option(label="红阳村 · 参加志愿服务 (+5)")
    registrar.get_by_role("button", name="登记(提交审核)").click()
    registrar.get_by_text("已登记, 等待审核。").wait_for()

    reviewer = page_for(points_people["points_reviewer"])
    reviewer.goto(live_url(county, "/points/review/"))
    reviewer.get_by_role("row", name=re.compile("黎阿妹")).get_by_role("button", name="通过").click()
    reviewer.get_by_text("已通过, 积分已记入存折。").wait_for()

    villager = page_for(
        points_people["villager"], viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    villager.goto(live_url(county, "/points/me/"))
    token = villager.locator("[data-token]").inner_text()
    assert villager.locator("svg").count() >= 1  # the QR code

    operator = page_for(points_people["supermarket_operator"])
    operator.goto(live_url(county, f"/points/counter/?token={token}"))
    operator.get_by_role("row", name=re.compile("洗洁精")).get_by_role("button", name="兑换").click()
    operator.get_by_role("heading", name="积分兑换凭证").wait_for()

    villager.reload()
    assert villager.locator('[data-figure="cumulative"]').inner_text() == "5"
    assert villager.locator('[data-figure="redeemable"]').inner_text() == "3"
    assert villager.get_by_text("洗洁精 × 1").is_visible()
