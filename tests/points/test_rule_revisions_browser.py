"""In a real browser: the working group adds a row to its rules table with htmx and saves a new version."""

from __future__ import annotations

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from tests.points.browser.conftest import *  # noqa: F403  (live server, Chromium, a county with points on)
from tests.points.browser.conftest import _django_db_helper  # noqa: F401  (committed data, not a test transaction)

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def test_adding_a_row_with_htmx_and_saving_posts_a_new_version(
    new_context, live_url, login, points_browser_county, points_people
):
    from cunwu.orgs.models import OrgUnit
    from cunwu_points.services.rules import current_rules

    county = points_browser_county
    with schema_context(county.schema_name):
        village = OrgUnit.objects.get(code="hongyang")
    page = new_context(locale="zh-CN").new_page()
    login(page, county, points_people["points_reviewer"])
    page.goto(live_url(county, f"/points/rules/{village.pk}/revise/"))
    rows = page.locator("#rule-rows tr")
    count = rows.count()
    page.get_by_role("button", name="添加一行").click()
    page.locator(f'input[name="rules-{count}-code"]').wait_for()
    assert page.locator("#id_rules-TOTAL_FORMS").input_value() == str(count + 1)
    page.locator(f'input[name="rules-{count}-code"]').fill("clean-yard")
    page.locator(f'input[name="rules-{count}-behaviour"]').fill("清扫庭院")
    page.locator(f'input[name="rules-{count}-points"]').fill("1")
    page.get_by_role("button", name="保存并公示").click()
    page.get_by_text("已生成第2版评分条例, 并已发布公示。").wait_for()
    assert page.get_by_text("新增: 清扫庭院 1分").is_visible()
    with schema_context(county.schema_name):
        connection.tenant = county
        assert current_rules(village).filter(code="clean-yard").exists()
    connection.set_schema_to_public()
