"""Staff pages of notices and evidence: post with attachments, list with export, correct, evidence panel."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from cunwu.disclosure.models import Notice
from cunwu.evidence.models import EvidenceFile
from tests.trust.conftest import jpeg_bytes


@pytest.fixture
def browser(county_a, host_client, secretary):
    client = host_client(county_a)
    client.force_login(secretary)
    return client


def test_post_page_then_list_detail_export(browser, village):
    form = browser.get("/disclosure/new/")
    assert form.status_code == 200 and "发布公示" in form.content.decode()
    posted = browser.post(
        "/disclosure/new/",
        {
            "org_unit": village.pk,
            "title": "红阳村三季度财务公开",
            "body": "收入 1,000 元。",
            "min_days": 7,
            "attachments": [SimpleUploadedFile("票据.jpg", jpeg_bytes())],
        },
    )
    notice = Notice.objects.get(title="红阳村三季度财务公开")
    assert posted.status_code == 302 and posted["Location"] == notice.get_absolute_url()
    detail = browser.get(notice.get_absolute_url()).content.decode()
    assert "哈希校验通过" in detail and "票据.jpg" in detail
    assert "红阳村三季度财务公开" in browser.get("/disclosure/?q=财务").content.decode()
    assert (
        "红阳村三季度财务公开"
        in browser.get(f"/disclosure/?unit={village.pk}&status=current").content.decode()
    )
    assert "红阳村三季度财务公开" not in browser.get("/disclosure/?status=ended").content.decode()
    export = browser.get("/disclosure/?format=xlsx")
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["红阳村三季度财务公开"]


def test_post_page_refuses_bad_attachment_and_foreign_unit(browser, village):
    from cunwu.orgs.models import OrgUnit

    bad = browser.post(
        "/disclosure/new/",
        {
            "org_unit": village.pk,
            "title": "t",
            "body": "b",
            "min_days": 7,
            "attachments": [SimpleUploadedFile("a.jpg", b"txt")],
        },
    )
    assert bad.status_code == 200 and "无法识别的文件" in bad.content.decode()
    foreign = OrgUnit.objects.get(path="west/zhoucun")
    refused = browser.post(
        "/disclosure/new/", {"org_unit": foreign.pk, "title": "t", "body": "b", "min_days": 7}
    )
    assert refused.status_code == 200
    assert not Notice.objects.exists()


def test_supersede_page_marks_old_as_corrected(browser, village, secretary):
    from cunwu.disclosure import services

    old = services.post_notice(org_unit=village, title="原公示", body="原文", min_days=7, actor=secretary)
    response = browser.post(
        f"/disclosure/{old.pk}/supersede/", {"title": "更正公示", "body": "新文", "reason": "笔误"}
    )
    new = Notice.objects.get(supersedes=old)
    assert response["Location"] == new.get_absolute_url()
    page = browser.get(old.get_public_url()).content.decode()
    assert "已更正" in page and new.get_public_url() in page


def test_evidence_panel_upload_and_download(browser, village, county_a, host_client):
    url = f"/evidence/for/orgs.orgunit/{village.pk}/"
    assert browser.get(url).status_code == 200
    response = browser.post(
        url,
        {"file": SimpleUploadedFile("现场.jpg", jpeg_bytes()), "category": "photo"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and "现场.jpg" in response.content.decode()
    evidence = EvidenceFile.objects.get()
    assert browser.get(f"/evidence/{evidence.uuid}/").status_code == 200
    anonymous = host_client(county_a).get(f"/evidence/{evidence.uuid}/")
    assert anonymous.status_code == 302


def test_pages_check_roles(county_a, host_client, make_user, village, secretary):
    from cunwu.disclosure import services

    notice = services.post_notice(org_unit=village, title="公示", body="正文", min_days=3, actor=secretary)
    anonymous = host_client(county_a)
    assert anonymous.get("/disclosure/").status_code == 302
    assert anonymous.get("/disclosure/new/").status_code == 302
    villager = host_client(county_a)
    villager.force_login(make_user(role="villager", org_unit=village))
    assert villager.get("/disclosure/").status_code == 403
    assert villager.get(notice.get_public_url()).status_code == 200
    supervisor = host_client(county_a)
    supervisor.force_login(make_user(role="supervisory_member", org_unit=village))
    assert supervisor.get(notice.get_absolute_url()).status_code == 200
    assert supervisor.get("/disclosure/new/").status_code == 403
    assert (
        supervisor.post(
            f"/disclosure/{notice.pk}/supersede/", {"title": "t", "body": "b", "reason": "r"}
        ).status_code
        == 403
    )
