"""End to end: a village secretary posts a 公示, prints it, and anyone can open it from the QR code."""

from __future__ import annotations

import shutil
import subprocess

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from tests.trust.conftest import jpeg_bytes

TITLE = "红阳村村道硬化项目实施方案公示"


def qr_url_of(pdf) -> str:
    subprocess.run(
        ["pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", str(pdf), str(pdf.with_suffix(""))],
        check=True,
    )
    page = next(pdf.parent.glob(pdf.stem + "*.png"))
    (found,) = zxingcpp.read_barcodes(Image.open(page))
    return found.text


@pytest.fixture
def secretary(browser_county, browser_user):
    """A committed village secretary of 红阳村 in the browser county."""
    from django.db import connection
    from django_tenants.utils import schema_context

    from cunwu.orgs.models import OrgUnit
    from cunwu.roles.models import RoleAssignment

    user = browser_user(display_name="李书记")
    with schema_context(browser_county.schema_name):
        RoleAssignment.objects.create(
            user=user, role="village_secretary", org_unit=OrgUnit.objects.get(path="east/hongyang")
        )
    connection.set_schema_to_public()
    return user


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler-utils missing: make browser-deps")
def test_post_print_and_open_public_page_from_qr(
    browser_page, new_context, live_url, browser_county, secretary, login, tmp_path
):
    page = browser_page
    login(page, browser_county, secretary)
    page.goto(live_url(browser_county, "/disclosure/new/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("发布公示")
    page.get_by_label("公示单位").select_option(label="红阳村")
    page.get_by_label("标题").fill(TITLE)
    page.get_by_label("正文").fill("经村民代表会议表决通过,现予公示。\n项目预算:人民币壹拾贰万元整。")
    page.get_by_label("公示天数").fill("7")
    page.get_by_label("附件(照片或 PDF)").set_input_files(
        [{"name": "现场照片.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}]
    )
    page.get_by_role("button", name="发布", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)
    expect(page.get_by_text("哈希校验通过")).to_be_visible()

    with page.expect_download() as download:
        page.get_by_role("link", name="下载打印版(PDF)").click()
    pdf = tmp_path / "notice.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    url = qr_url_of(pdf)
    assert url.startswith(live_url(browser_county, "/disclosure/public/"))

    anonymous = new_context(locale="zh-CN").new_page()
    anonymous.goto(url)
    expect(anonymous.get_by_role("heading", level=1)).to_contain_text(TITLE)
    expect(anonymous.get_by_text("公示期")).to_be_visible()
    expect(anonymous.get_by_text("现场照片.jpg")).to_be_visible()
    expect(anonymous.locator("#verify-result")).to_contain_text("哈希校验通过")
    expect(anonymous.get_by_role("button", name="退出登录")).to_have_count(0)
    anonymous.screenshot(path="/tmp/cunwu-public-notice.png", full_page=True)
