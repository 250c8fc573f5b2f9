"""Organisation pages: scoped by role, masked by default, unmasking logged, imports reported per row."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from openpyxl import Workbook, load_workbook

from cunwu.audit.models import AuditEntry
from cunwu.orgs.models import ImportJob, OrgUnit, Resident


def _client(host_client, county, user):
    connection.set_tenant(county)
    client = host_client(county)
    client.force_login(user)
    return client


def test_the_tree_shows_only_the_officials_township(county_a, host_client, make_user, residents):
    official = make_user("township_official", OrgUnit.objects.get(path="east"))
    page = _client(host_client, county_a, official).get("/orgs/").content.decode()
    assert "红阳村" in page and "富景社区" in page
    assert "周村" not in page and "西镇" not in page


def test_residents_list_search_and_export_are_masked(county_a, host_client, make_user, residents):
    client = _client(host_client, county_a, make_user("county_admin"))
    page = client.get("/orgs/residents/").content.decode()
    assert "110101********1234" in page and "138****5678" in page
    assert "110101199001011234" not in page and "13812345678" not in page
    searched = client.post("/orgs/residents/", {"q": "110101199001011234"})
    assert searched.status_code == 302 and "110101199001011234" not in searched["Location"]
    assert "h=" in searched["Location"]
    found = client.get(searched["Location"]).content.decode()
    assert "东村民" in found and "西村民" not in found and "110101199001011234" not in found
    by_name = client.get(client.post("/orgs/residents/", {"q": "西"})["Location"]).content.decode()
    assert "西村民" in by_name and "东村民" not in by_name
    export = client.get("/orgs/residents/export.xlsx")
    assert export.status_code == 200
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    by_name = {row[4]: row for row in rows[1:]}
    assert by_name["东村民"][6:8] == ("110101********1234", "138****5678")
    assert "110101199001011234" not in str(rows)


def test_residents_pages_are_for_staff_and_a_villager_sees_their_own(
    county_a, host_client, make_user, residents
):
    villager = make_user("villager", residents["east"].group)
    villager.resident_id = residents["east"].pk
    villager.save()
    client = _client(host_client, county_a, villager)
    assert client.get("/orgs/residents/").status_code == 403
    assert client.get("/orgs/residents/export.xlsx").status_code == 403
    assert client.get(f"/orgs/residents/{residents['east'].pk}/").status_code == 200
    assert client.get(f"/orgs/residents/{residents['east2'].pk}/").status_code == 404
    official = make_user("township_official", OrgUnit.objects.get(path="west"))
    west_client = _client(host_client, county_a, official)
    assert "东村民" not in west_client.get("/orgs/residents/").content.decode()
    assert west_client.get(f"/orgs/residents/{residents['east'].pk}/").status_code == 404


def test_the_unmask_button_reveals_and_logs(county_a, host_client, make_user, residents):
    east = residents["east"]
    official = make_user("township_official", OrgUnit.objects.get(path="east"))
    official_client = _client(host_client, county_a, official)
    assert "显示完整信息" not in official_client.get(f"/orgs/residents/{east.pk}/").content.decode()
    assert official_client.post(f"/orgs/residents/{east.pk}/reveal/").status_code == 403
    admin = make_user("county_admin")
    client = _client(host_client, county_a, admin)
    detail = client.get(f"/orgs/residents/{east.pk}/").content.decode()
    assert "显示完整信息" in detail and "110101199001011234" not in detail
    shown = client.post(f"/orgs/residents/{east.pk}/reveal/", {"reason": "办理低保"}, HTTP_HX_REQUEST="true")
    assert "110101199001011234" in shown.content.decode() and "13812345678" in shown.content.decode()
    entry = AuditEntry.objects.get(action="pii.reveal")
    assert (entry.actor_id, entry.reason) == (admin.pk, "办理低保")


def test_import_page_template_report_and_progress(county_a, host_client, make_user):
    client = _client(host_client, county_a, make_user("county_admin"))
    assert client.get("/orgs/imports/").status_code == 200
    template = load_workbook(io.BytesIO(client.get("/orgs/imports/template.xlsx").content))
    assert next(template["村民"].iter_rows(values_only=True))[:6] == (
        "乡镇",
        "村(社区)",
        "村民小组",
        "户号",
        "户主",
        "姓名",
    )
    buffer = io.BytesIO()
    workbook = Workbook()
    workbook.active.title = "村民"
    workbook.active.append(["乡镇", "村(社区)", "村民小组", "姓名", "手机号"])
    workbook.active.append(["东镇", "红阳村", "一组", "孙八", "12345"])
    workbook.save(buffer)
    response = client.post("/orgs/imports/", {"file": SimpleUploadedFile("名册.xlsx", buffer.getvalue())})
    job = ImportJob.objects.get(filename="名册.xlsx")
    assert response.status_code == 302 and response["Location"].endswith(f"/orgs/imports/{job.pk}/")
    report = client.get(f"/orgs/imports/{job.pk}/").content.decode()
    assert "整个文件未导入" in report and "手机号" in report and "应为11位手机号码" in report
    fragment = client.get(f"/orgs/imports/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert (
        fragment.lstrip().startswith("<section") and "hx-trigger" not in fragment
    )  # finished: polling stops
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.VALIDATING, processed_rows=50, total_rows=200
    )
    running = client.get(f"/orgs/imports/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in running and 'value="25"' in running
    refused = client.post("/orgs/imports/", {"file": SimpleUploadedFile("x.pdf", b"%PDF")})
    assert refused.status_code == 200 and "pdf" in refused.content.decode().lower()


def test_bodies_pages(county_a, host_client, make_user):
    official = make_user("township_official", OrgUnit.objects.get(path="west"))
    client = _client(host_client, county_a, official)
    page = client.get("/orgs/bodies/").content.decode()
    assert "周村村民议事会" in page and "红阳村" not in page
    assert "批量导入" not in page and "/orgs/residents/" in page  # tabs follow the user's roles
    assert client.get("/orgs/imports/").status_code == 403


def test_registering_a_resident_from_the_page(county_a, host_client, make_user, residents):
    staff = make_user("village_secretary", OrgUnit.objects.get(path="east/hongyang"))
    client = _client(host_client, county_a, staff)
    form = client.get("/orgs/residents/new/").content.decode()
    assert "红阳村 一组" in form and "周村" not in form
    group = OrgUnit.objects.get(path="east/hongyang/1")
    refused = client.post(
        "/orgs/residents/new/", {"name": "重号", "group": group.pk, "id_card": "11010519491231002X"}
    )
    assert refused.status_code == 200 and "该身份证号已登记" in refused.content.decode()
    done = client.post("/orgs/residents/new/", {"name": "新来的", "group": group.pk, "phone": "13600000000"})
    resident = Resident.objects.get(name="新来的")
    assert done.status_code == 302 and done["Location"].endswith(f"/orgs/residents/{resident.pk}/")
    west = OrgUnit.objects.get(path="west/zhoucun/1")
    assert client.post("/orgs/residents/new/", {"name": "外村", "group": west.pk}).status_code == 200
    assert not Resident.objects.filter(name="外村").exists()
