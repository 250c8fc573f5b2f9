"""The REST API and the pages: permissions, the counter, the passbook (both figures, QR), exports."""

from __future__ import annotations

import uuid
from decimal import Decimal
from io import BytesIO

from django.utils import timezone
from openpyxl import load_workbook

from cunwu.orgs.models import OrgUnit
from cunwu_points.models import Item, PointsEvent
from cunwu_points.services import rules, supermarket
from cunwu_points.services.passbooks import passbook_for


def test_register_approve_redeem_through_the_api(hongyang, make_resident, staff, host_client, points_county):
    registrar, reviewer, operator = staff(hongyang)
    person = make_resident(hongyang, "张三")
    api = host_client(points_county)
    api.force_login(registrar)
    rule = rules.rule_for(hongyang, "volunteer")
    created = api.post(
        "/api/points/events/",
        {"resident": person.pk, "rule": rule.pk, "occurred_on": timezone.localdate().isoformat()},
    )
    assert created.status_code == 201, created.content
    event_id = created.json()["id"]
    assert api.post(f"/api/points/events/{event_id}/approve/", {}).status_code == 400  # registrar ≠ approver
    api.force_login(reviewer)
    assert api.post(f"/api/points/events/{event_id}/approve/", {}).json()["status"] == "approved"
    item = supermarket.add_item(hongyang, actor=operator, name="毛巾", price=Decimal("3"), stock=5)
    token = passbook_for(person, timezone.localdate().year).token
    api.force_login(operator)
    payload = {"passbook": token, "item": item.pk, "quantity": 1, "key": uuid.uuid4().hex}
    first = api.post("/api/points/redemptions/", payload)
    again = api.post("/api/points/redemptions/", payload)
    assert first.status_code == 201 and again.json()["id"] == first.json()["id"]
    assert api.post("/api/points/redemptions/", {**payload, "quantity": 2}).status_code == 409
    book = api.get(f"/api/points/passbooks/{token}/").json()
    assert (book["cumulative"], book["redeemable"]) == ("5.00", "2.00")
    refused = api.post("/api/points/redemptions/", {**payload, "key": "other", "quantity": 1})
    assert refused.status_code == 400 and "不足" in refused.json()["detail"]


def test_a_villager_sees_only_their_own_passbook(
    hongyang, make_resident, make_user, host_client, points_county
):
    mine, other = make_resident(hongyang, "李四"), make_resident(hongyang, "王五")
    villager = make_user("villager", hongyang)
    villager.resident_id = mine.pk
    villager.save()
    year = timezone.localdate().year
    own_token, other_token = passbook_for(mine, year).token, passbook_for(other, year).token
    client = host_client(points_county)
    client.force_login(villager)
    assert [p["token"] for p in client.get("/api/points/passbooks/").json()["results"]] == [own_token]
    assert client.get(f"/api/points/passbooks/{other_token}/").status_code == 404
    assert client.get(f"/points/passbooks/{other_token}/").status_code == 403
    page = client.get("/points/me/", follow=True)
    assert (
        page.status_code == 200 and "<svg" in page.content.decode() and "可兑换积分" in page.content.decode()
    )


def test_the_counter_page_redeems_and_prints_a_receipt(
    hongyang, make_resident, staff, earn, host_client, points_county
):
    registrar, reviewer, operator = staff(hongyang)
    person = make_resident(hongyang, "赵六")
    earn(person, hongyang, registrar, reviewer, "volunteer", 2)
    item = supermarket.add_item(hongyang, actor=operator, name="理发", price=Decimal("4"))
    token = passbook_for(person, timezone.localdate().year).token
    client = host_client(points_county)
    client.force_login(operator)
    counter = client.get(f"/points/counter/?token={token}")
    assert "赵六" in counter.content.decode() and "理发" in counter.content.decode()
    receipt = client.post(
        f"/points/counter/{token}/redeem/", {"item": item.pk, "quantity": 1, "key": "page-1"}, follow=True
    )
    html = receipt.content.decode()
    assert (
        "积分兑换凭证" in html
        and 'data-figure="redeemable">6<' in html
        and 'data-figure="cumulative">10<' in html
    )
    assert Item.objects.get(pk=item.pk).stock is None


def test_pages_check_roles(hongyang, make_user, host_client, points_county):
    client = host_client(points_county)
    client.force_login(make_user("villager", hongyang))
    for path in ("/points/register/", "/points/review/", "/points/counter/", "/points/report/"):
        assert client.get(path).status_code == 403, path
    assert client.get("/points/").status_code == 200


def test_the_review_page_approves_and_the_report_exports_xlsx(
    hongyang, make_resident, staff, host_client, points_county, make_user
):
    registrar, reviewer, _operator = staff(hongyang)
    from cunwu_points.services import events

    event = events.register(
        make_resident(hongyang, "孙八"),
        rules.rule_for(hongyang, "volunteer"),
        occurred_on=timezone.localdate(),
        actor=registrar,
    )
    client = host_client(points_county)
    client.force_login(reviewer)
    assert "孙八" in client.get("/points/review/").content.decode()
    client.post(f"/points/review/{event.pk}/", {"decision": "approve"})
    assert PointsEvent.objects.get(pk=event.pk).status == "approved"
    official = make_user("township_official", OrgUnit.objects.get(code="chahe"))
    client.force_login(official)
    export = client.get("/points/report/?format=xlsx")
    sheet = load_workbook(BytesIO(export.content)).active
    rows = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert any(row[0] and "红阳村" in row[0] and row[1] == 5 for row in rows)
    assert client.get("/api/points/reports/").json()["issued"] == "5.00"


def test_the_plugin_is_absent_where_it_is_off(county_a, host_client, make_user):
    client = host_client(county_a)
    client.force_login(make_user("county_admin"))
    assert client.get("/points/").status_code == 404
    assert client.get("/api/points/rules/").status_code == 404


def test_the_registrar_page_registers_for_review(hongyang, make_resident, staff, host_client, points_county):
    registrar, _reviewer, _operator = staff(hongyang)
    person = make_resident(hongyang, "黎阿妹")
    client = host_client(points_county)
    client.force_login(registrar)
    form = client.get("/points/register/?q=黎").content.decode()
    assert "黎阿妹" in form and "参加志愿服务 (+5)" in form
    done = client.post(
        "/points/register/",
        {
            "resident": person.pk,
            "rule": rules.rule_for(hongyang, "volunteer").pk,
            "occurred_on": timezone.localdate().isoformat(),
        },
        follow=True,
    )
    assert "已登记, 等待审核。" in done.content.decode()
    assert PointsEvent.objects.filter(passbook__resident=person, status="pending").count() == 1


def test_the_plugin_adds_its_roles_and_menu_entry(hongyang, staff, points_county, host_client):
    from cunwu.roles.catalogue import roles_for

    roles = roles_for(points_county)
    assert {"points_registrar", "points_reviewer", "supermarket_operator"} <= set(roles)
    assert str(roles["supermarket_operator"].name) == "积分超市管理员"
    registrar, _reviewer, _operator = staff(hongyang)
    client = host_client(points_county)
    client.force_login(registrar)
    home = client.get("/").content.decode()
    assert "/points/" in home and "积分超市" in home


def test_a_villager_claims_through_the_page(hongyang, make_resident, make_user, host_client, points_county):
    person = make_resident(hongyang, "吴十一")
    villager = make_user("villager", hongyang)
    villager.resident_id = person.pk
    villager.save()
    client = host_client(points_county)
    client.force_login(villager)
    response = client.post(
        "/points/claim/",
        {
            "rule": rules.rule_for(hongyang, "volunteer").pk,
            "occurred_on": timezone.localdate().isoformat(),
            "note": "清扫村道",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert PointsEvent.objects.get(passbook__resident=person).source == PointsEvent.Source.CLAIM


def test_the_village_working_group_revises_its_table_through_the_api(
    hongyang, make_user, host_client, points_county
):
    from cunwu.disclosure.models import Notice

    client = host_client(points_county)
    client.force_login(make_user("points_registrar", hongyang))
    table = [{"code": "volunteer", "behaviour": "参加志愿服务", "points": "6"}]
    assert (
        client.post(
            "/api/points/rules/revise/",
            {"village": hongyang.pk, "rules": table},
            content_type="application/json",
        ).status_code
        == 400
    )
    client.force_login(make_user("village_secretary", hongyang))
    bad = client.post(
        "/api/points/rules/revise/",
        {"village": hongyang.pk, "rules": [{"code": "x", "behaviour": "y", "points": "0"}]},
        content_type="application/json",
    )
    assert bad.status_code == 400
    done = client.post(
        "/api/points/rules/revise/", {"village": hongyang.pk, "rules": table}, content_type="application/json"
    )
    assert done.status_code == 200 and done.json()["version"] >= 2
    assert list(rules.current_rules(hongyang).values_list("code", "points")) == [("volunteer", Decimal("6"))]
    assert (
        "停用" in Notice.objects.filter(org_unit=hongyang, kind="points_rules").order_by("-id").first().body
    )
