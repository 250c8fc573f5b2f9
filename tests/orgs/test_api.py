"""REST API of organisations and roles: scoped by role, personal data masked, counties isolated."""

from __future__ import annotations

from django.db import connection
from django_tenants.utils import schema_context
from rest_framework.authtoken.models import Token

from cunwu.audit.models import AuditEntry
from cunwu.orgs.models import Body, Membership, OrgUnit, Resident
from cunwu.roles.models import RoleAssignment
from cunwu.roles.permissions import has_role
from cunwu.tenancy.models import PolicyVersion
from tests.orgs.idcards import id_card

NEW_ID = id_card(10957 * 1000 + 957)  # born 1980-01-01 (10957 days after 1950-01-01), order code 957: male
BAD_CHECK = NEW_ID[:17] + ("0" if NEW_ID[17] != "0" else "1")


def _client(host_client, county, user):
    connection.set_tenant(county)  # a request to another county's host leaves the connection there
    client = host_client(county)
    client.force_login(user)
    return client


def _names(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["name"] for row in response.json()["results"]}


def test_a_township_official_reads_only_their_township(county_a, host_client, make_user, residents):
    official = make_user("township_official", OrgUnit.objects.get(path="east"))
    client = _client(host_client, county_a, official)
    assert _names(client.get("/api/residents/")) == {"东村民", "东二"}
    assert client.get(f"/api/residents/{residents['west'].pk}/").status_code == 404
    assert client.get(f"/api/residents/{residents['east'].pk}/").status_code == 200
    west = OrgUnit.objects.get(path="west")
    assert client.get(f"/api/org-units/{west.pk}/").status_code == 404
    assert _names(client.get(f"/api/residents/?org_unit={west.pk}")) == set()
    assert _names(client.get(f"/api/residents/?id_card={residents['west'].id_card}")) == set()
    tree = client.get("/api/org-units/tree/").json()
    assert [node["path"] for node in tree] == ["east"]
    assert {v["path"] for v in tree[0]["children"]} == {"east/hongyang", "east/fujing"}


def test_a_villager_sees_only_their_own_record(county_a, host_client, make_user, residents):
    villager = make_user("villager", residents["east"].group)
    villager.resident_id = residents["east"].pk
    villager.save()
    client = _client(host_client, county_a, villager)
    assert _names(client.get("/api/residents/")) == {"东村民"}
    assert client.get(f"/api/residents/{residents['east2'].pk}/").status_code == 404
    # the public face of their own village: its bodies, not another township's
    bodies = {row["org_unit"] for row in client.get("/api/bodies/").json()["results"]}
    assert bodies == {residents["east"].group.parent_id}


def test_personal_data_is_masked_and_found_by_id_card(county_a, host_client, make_user, residents):
    admin = make_user("county_admin")
    client = _client(host_client, county_a, admin)
    found = client.get("/api/residents/", {"id_card": "110101199001011234"}).json()["results"]
    assert [(r["name"], r["id_card"], r["phone"]) for r in found] == [
        ("东村民", "110101********1234", "138****5678")
    ]
    looked_up = client.post("/api/residents/lookup/", {"id_card": "110101199001011234"})
    assert [r["name"] for r in looked_up.json()] == ["东村民"]
    assert [r["name"] for r in client.post("/api/residents/lookup/", {"phone": "13900001111"}).json()] == [
        "西村民"
    ]
    assert client.post("/api/residents/lookup/", {}).status_code == 400
    body = client.get("/api/residents/").content.decode()
    assert "110101199001011234" not in body and "13812345678" not in body
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_card, phone FROM orgs_resident WHERE id = %s", [residents["east"].pk])
        raw = cursor.fetchone()
    assert raw[0].startswith("g1.") and "1234" not in raw[0] and "5678" not in raw[1]
    assert Resident.objects.get(pk=residents["east"].pk).id_card == "110101199001011234"


def test_unmasking_needs_the_permission_and_is_logged(county_a, host_client, make_user, residents):
    east = residents["east"]
    official = make_user("township_official", OrgUnit.objects.get(path="east"))
    refused = _client(host_client, county_a, official).post(f"/api/residents/{east.pk}/reveal/")
    assert refused.status_code == 403
    assert not AuditEntry.objects.filter(action="pii.reveal").exists()
    viewer = make_user("personal_data_viewer", OrgUnit.objects.get(path="east"))
    client = _client(host_client, county_a, viewer)
    shown = client.post(f"/api/residents/{east.pk}/reveal/", {"reason": "核对低保"})
    assert shown.json() == {"id_card": "110101199001011234", "phone": "13812345678"}
    entry = AuditEntry.objects.get(action="pii.reveal")
    assert entry.actor_id == viewer.pk and entry.target_id == str(east.pk) and entry.reason == "核对低保"
    assert client.post(f"/api/residents/{residents['west'].pk}/reveal/").status_code == 404


def test_county_a_gets_nothing_of_county_b(county_a, county_b, host_client, make_user, residents):
    admin_a = make_user("county_admin", username="admin_a")
    token = Token.objects.create(user=admin_a)
    with schema_context(county_b.schema_name):
        secret = Resident.objects.create(
            name="乙县独有", id_card="440607198001010018", group=OrgUnit.objects.filter(level="group").first()
        )
    # A's token and A's session do not exist on B's host
    by_token = host_client(county_b).get("/api/residents/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert by_token.status_code in (401, 403)
    session_client = _client(host_client, county_a, admin_a)
    session_client.defaults["HTTP_HOST"] = "beta.localhost"
    assert session_client.get("/api/residents/").status_code in (401, 403)
    # on A's host: not by search, not by id, not by ID-card hash
    client = _client(host_client, county_a, admin_a)
    assert "乙县独有" not in _names(client.get("/api/residents/", {"search": "乙县"}))
    by_id = client.get(f"/api/residents/{secret.pk}/")
    assert "乙县独有" not in by_id.content.decode()
    assert _names(client.get("/api/residents/", {"id_card": "440607198001010018"})) == {"西村民"}
    versions = client.get("/api/policy-versions/").json()["results"]
    assert {v["id"] for v in versions} == set(
        PolicyVersion.objects.filter(county=county_a).values_list("id", flat=True)
    )
    assert versions and all(
        v["id"] not in PolicyVersion.objects.filter(county=county_b).values_list("id", flat=True)
        for v in versions
    )


def test_policy_and_plugins_are_for_county_admins(county_a, host_client, make_user):
    official = make_user("township_official", OrgUnit.objects.get(path="east"))
    assert _client(host_client, county_a, official).get("/api/policy-versions/").status_code == 403
    admin = make_user("county_admin")
    plugins = _client(host_client, county_a, admin).get("/api/plugins/")
    assert plugins.status_code == 200
    assert {p["plugin"] for p in plugins.json()["results"]} == set(
        county_a.plugin_enablements.values_list("plugin", flat=True)
    )


def test_memberships_are_dated_and_seats_are_limited(county_a, host_client, make_user, residents):
    council = Body.objects.get(org_unit__path="east/hongyang", kind=Body.Kind.VILLAGERS_COUNCIL)
    secretary = make_user("village_secretary", council.org_unit)
    client = _client(host_client, county_a, secretary)
    created = client.post(
        "/api/memberships/",
        {
            "body": council.pk,
            "resident": residents["east"].pk,
            "position": "成员",
            "start_date": "2026-01-01",
        },
    )
    assert created.status_code == 201, created.content
    again = client.post(
        "/api/memberships/",
        {"body": council.pk, "resident": residents["east"].pk, "start_date": "2026-02-01"},
    )
    assert again.status_code == 400
    ended = client.post(f"/api/memberships/{created.json()['id']}/end/", {"end_date": "2026-06-30"})
    assert ended.json()["end_date"] == "2026-06-30"
    assert not Membership.objects.filter(body=council).current().exists()
    assert AuditEntry.objects.filter(action__in=["orgs.appoint", "orgs.end_membership"]).count() == 2
    west_council = Body.objects.get(org_unit__path="west/zhoucun", kind=Body.Kind.VILLAGERS_COUNCIL)
    refused = client.post(
        "/api/memberships/",
        {"body": west_council.pk, "resident": residents["east"].pk, "start_date": "2026-01-01"},
    )
    assert refused.status_code == 403


def test_county_admins_grant_and_revoke_roles(county_a, host_client, make_user):
    target = make_user()
    east = OrgUnit.objects.get(path="east")
    official = make_user("township_official", east)
    payload = {"user": target.pk, "role": "township_finance", "org_unit": east.pk}
    assert _client(host_client, county_a, official).post("/api/role-assignments/", payload).status_code == 403
    admin_client = _client(host_client, county_a, make_user("county_admin"))
    assert admin_client.post("/api/role-assignments/", {**payload, "role": "nosuch"}).status_code == 400
    granted = admin_client.post("/api/role-assignments/", payload)
    assert granted.status_code == 201, granted.content
    assert has_role(target, "township_finance", org_unit=OrgUnit.objects.get(path="east/hongyang"))
    revoked = admin_client.post(f"/api/role-assignments/{granted.json()['id']}/revoke/", {"reason": "调离"})
    assert revoked.json()["is_active"] is False
    assert not has_role(target, "township_finance")
    assert RoleAssignment.objects.filter(user=target).count() == 1  # kept for the record
    assert AuditEntry.objects.filter(action__in=["roles.grant", "roles.revoke"]).count() == 2
    codes = {r["code"] for r in admin_client.get("/api/role-assignments/catalogue/").json()}
    assert {"county_admin", "villager", "personal_data_viewer"} <= codes


def test_registering_and_updating_a_resident(county_a, host_client, make_user, residents):
    group = OrgUnit.objects.get(path="east/hongyang/2")
    staff = make_user("station_staff", OrgUnit.objects.get(path="east/hongyang"))
    client = _client(host_client, county_a, staff)
    bad = client.post(
        "/api/residents/", {"name": "新生", "group": group.pk, "id_card": BAD_CHECK, "phone": "12"}
    )
    assert bad.status_code == 400 and set(bad.json()) == {"id_card", "phone"}
    duplicate = client.post(
        "/api/residents/", {"name": "重复", "group": group.pk, "id_card": "11010519491231002x"}
    )
    assert duplicate.json() == {"id_card": ["该身份证号已登记"]}  # 东二 holds it
    created = client.post(
        "/api/residents/", {"name": "新生", "group": group.pk, "id_card": NEW_ID, "phone": "13700000000"}
    )
    assert created.status_code == 201, created.content
    assert created.json()["id_card"] == NEW_ID[:6] + "********" + NEW_ID[-4:]
    assert created.json()["phone"] == "137****0000"
    resident = Resident.objects.get(pk=created.json()["id"])
    assert resident.birth_date.isoformat() == "1980-01-01" and resident.gender == "M"
    changed = client.patch(
        f"/api/residents/{resident.pk}/",
        {"phone": "13900000000", "reason": "换号"},
        content_type="application/json",
    )
    assert changed.status_code == 200 and Resident.objects.get(pk=resident.pk).phone == "13900000000"
    assert AuditEntry.objects.filter(action="orgs.update_resident", reason="换号").exists()
    west = OrgUnit.objects.get(path="west/zhoucun/1")
    assert client.post("/api/residents/", {"name": "外村", "group": west.pk}).status_code == 403
