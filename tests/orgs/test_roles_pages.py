"""The people & roles page: county admins grant, revoke and add accounts; officials only look."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import connection

from cunwu.audit.models import AuditEntry
from cunwu.orgs.models import OrgUnit
from cunwu.roles.models import RoleAssignment
from cunwu.roles.permissions import has_role


def _client(host_client, county, user):
    connection.set_tenant(county)
    client = host_client(county)
    client.force_login(user)
    return client


def test_county_admin_grants_revokes_and_adds_accounts(county_a, host_client, make_user, residents):
    admin = make_user("county_admin")
    client = _client(host_client, county_a, admin)
    created = client.post(
        "/roles/accounts/",
        {
            "username": "dongcunmin",
            "display_name": "东村民",
            "password": "Cunwu-2026-pw",
            "resident_id_card": "110101199001011234",
        },
    )
    assert created.status_code == 302
    account = get_user_model().objects.get(username="dongcunmin")
    assert account.resident_id == residents["east"].pk and account.check_password("Cunwu-2026-pw")
    east = OrgUnit.objects.get(path="east")
    client.post("/roles/grant/", {"user": account.pk, "role": "township_finance", "org_unit": east.pk})
    assert has_role(account, "township_finance", org_unit=OrgUnit.objects.get(path="east/hongyang"))
    page = client.get("/roles/").content.decode()
    assert "乡镇财政所" in page and "dongcunmin" in page
    assignment = RoleAssignment.objects.get(user=account)
    client.post(f"/roles/{assignment.pk}/revoke/")
    assert not has_role(account, "township_finance")
    assert {"accounts.create", "roles.grant", "roles.revoke"} <= set(
        AuditEntry.objects.values_list("action", flat=True)
    )


def test_officials_look_but_do_not_grant(county_a, host_client, make_user):
    east, west = OrgUnit.objects.get(path="east"), OrgUnit.objects.get(path="west")
    official = make_user("township_official", east, username="east_official")
    make_user("village_secretary", OrgUnit.objects.get(path="west/zhoucun"), username="west_secretary")
    client = _client(host_client, county_a, official)
    page = client.get("/roles/").content.decode()
    assert "east_official" in page and "west_secretary" not in page and "授予角色" not in page
    target = make_user()
    assert client.post("/roles/grant/", {"user": target.pk, "role": "county_admin"}).status_code == 403
    assert not has_role(target, "county_admin")
    villager = make_user("villager", west)
    assert _client(host_client, county_a, villager).get("/roles/").status_code == 403
