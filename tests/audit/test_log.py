"""The audit log: who may read it, its filters, its .xlsx export and its REST endpoint."""

from __future__ import annotations

import datetime
from io import BytesIO

import pytest
from django.test import RequestFactory
from django.utils import timezone
from openpyxl import load_workbook

from cunwu.audit import registry, request_info, services
from cunwu.audit.models import AuditEntry
from cunwu.orgs.models import Household, OrgUnit


@pytest.fixture
def villages(county_a):
    return {unit.code: unit for unit in OrgUnit.objects.filter(level=OrgUnit.Level.VILLAGE)}


@pytest.fixture
def entries(villages):
    """Entries on two villages, one outside the org tree, and one made 40 days ago."""
    hongyang, zhoucun = villages["hongyang"], villages["zhoucun"]
    services.record(actor="王会计", action="ledger.transfer", target=hongyang)
    services.record(
        actor="李书记", action="orgs.orgunit.update", target=zhoucun, before={"name": "周"}, after={}
    )
    services.record(actor="system", action="tenancy.onboard")
    AuditEntry.objects.create(
        actor_name="王会计", action="ledger.old", created_at=timezone.now() - datetime.timedelta(days=40)
    )


def _actions(response) -> set[str]:
    return {row["action"] for row in response.json()["results"]}


def test_a_county_admin_sees_everything_and_a_supervisor_only_their_village(
    villages, entries, make_user, host_client, county_a
):
    admin = make_user(role="county_admin")
    supervisor = make_user(role="supervisory_member", org_unit=villages["zhoucun"])
    villager = make_user(role="villager", org_unit=villages["zhoucun"])
    client = host_client(county_a)

    client.force_login(admin)
    assert _actions(client.get("/api/audit/entries/")) >= {
        "ledger.transfer",
        "orgs.orgunit.update",
        "ledger.old",
    }
    client.force_login(supervisor)
    assert _actions(client.get("/api/audit/entries/")) == {"orgs.orgunit.update"}
    assert client.get("/audit/").status_code == 200
    client.force_login(villager)
    assert client.get("/api/audit/entries/").status_code == 403
    assert client.get("/audit/").status_code == 403


def test_filters_by_actor_action_type_and_date(entries, make_user, host_client, county_a):
    client = host_client(county_a)
    client.force_login(make_user(role="county_admin"))
    assert _actions(client.get("/api/audit/entries/", {"actor": "王会计"})) == {
        "ledger.transfer",
        "ledger.old",
    }
    assert _actions(client.get("/api/audit/entries/", {"target_type": "orgs.orgunit"})) == {
        "ledger.transfer",
        "orgs.orgunit.update",
    }
    today = timezone.localdate()
    recent = client.get(
        "/api/audit/entries/", {"actor": "王会计", "date_from": today - datetime.timedelta(days=7)}
    )
    assert _actions(recent) == {"ledger.transfer"}
    page = client.get("/audit/", {"action": "orgunit"})
    assert "orgs.orgunit.update" in page.text and "ledger.transfer" not in page.text
    assert "没有符合条件的记录" in client.get("/audit/", {"actor": "无此人"}).text
    entry = AuditEntry.objects.get(action="orgs.orgunit.update")
    detail = client.get(f"/audit/{entry.pk}/")
    assert "已变更" in detail.text and "周" in detail.text


@pytest.mark.parametrize("url", ["/audit/export.xlsx", "/api/audit/entries/export/"])
def test_export_holds_the_filtered_entries(entries, make_user, host_client, county_a, url):
    client = host_client(county_a)
    client.force_login(make_user(role="county_admin"))
    response = client.get(url, {"actor": "李书记"})
    assert response.status_code == 200
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("时间", "操作人", "操作人ID", "操作")
    assert [row[3] for row in rows[1:]] == ["orgs.orgunit.update"]
    assert rows[1][7] == "name"


def test_audited_models_record_changes_made_during_a_request(villages, make_user, county_a):
    user = make_user(username="form-user")
    registry.audited(Household)
    request = RequestFactory().post("/", REMOTE_ADDR="10.9.8.7")
    request.user = user
    token = request_info._current_request.set(request)
    try:
        group = villages["zhoucun"].children.first()
        household = Household.objects.create(number="H-1", group=group)
        household.address = "一号"
        household.save()
        household.delete()
    finally:
        request_info._current_request.reset(token)
        from django.db.models.signals import post_delete, post_save, pre_save

        for signal in (pre_save, post_save, post_delete):
            signal.disconnect(sender=Household, dispatch_uid="cunwu.audit:orgs.Household")
    trail = list(AuditEntry.objects.filter(action__startswith="orgs.household.").order_by("id"))
    assert [e.action for e in trail] == [
        "orgs.household.create",
        "orgs.household.update",
        "orgs.household.delete",
    ]
    assert trail[1].changed_fields == ["address"] and trail[1].actor_name == "form-user"
    assert trail[1].ip_address == "10.9.8.7" and trail[1].org_path == group.path
    Household.objects.create(number="H-2", group=group)  # outside a request: nothing recorded
    assert AuditEntry.objects.filter(action__startswith="orgs.household.").count() == 3
