"""REST endpoints, pages, the management command: who sees what, verification, checkpoints, export."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from openpyxl import load_workbook

from cunwu.ledger import services
from cunwu.ledger.models import LedgerCheckpoint, Transaction
from cunwu.orgs.models import OrgUnit, Resident


@pytest.fixture
def books(county_a):
    """A points ledger in 红阳村 (east) with a villager's passbook, and a fund ledger in 周村 (west)."""
    east_village = OrgUnit.objects.get(path="east/hongyang")
    resident = Resident.objects.create(name="王村民", group=OrgUnit.objects.get(path="east/hongyang/1"))
    points = services.open_ledger(
        code="pts-hongyang", name="红阳村积分", kind="points", org_unit=east_village
    )
    issue = services.open_account(points, code="issue", name="积分发放", allow_negative=True)
    passbook = services.open_account(points, code="pb-wang", name="王村民存折", owner=resident)
    neighbour = services.open_account(points, code="pb-li", name="李村民存折")
    for amount, account in ((Decimal("80.00"), passbook), (Decimal("30.00"), neighbour)):
        services.transfer(debit=issue, credit=account, amount=amount, memo="参加义务劳动", actor=None)
    funds = services.open_ledger(
        code="fund-zhoucun",
        name="周村运维资金",
        kind="funds",
        org_unit=OrgUnit.objects.get(path="west/zhoucun"),
    )
    return {
        "points": points,
        "passbook": passbook,
        "neighbour": neighbour,
        "funds": funds,
        "resident": resident,
    }


def client_for(host_client, county, user):
    client = host_client(county)
    client.force_login(user)
    return client


def test_township_finance_sees_only_its_township(county_a, host_client, make_user, books):
    east_finance = make_user("township_finance", OrgUnit.objects.get(path="east"))
    client = client_for(host_client, county_a, east_finance)
    codes = [row["code"] for row in client.get("/api/ledgers/").json()["results"]]
    assert codes == ["pts-hongyang"]
    assert client.get(f"/api/ledgers/{books['funds'].pk}/").status_code == 404
    admin = client_for(host_client, county_a, make_user("county_admin"))
    assert len(admin.get("/api/ledgers/").json()["results"]) == 2


def test_a_villager_reads_only_their_own_account(county_a, host_client, make_user, books):
    villager = make_user("villager")
    villager.resident_id = books["resident"].pk
    villager.save()
    client = client_for(host_client, county_a, villager)
    assert client.get("/api/ledgers/").status_code == 403
    accounts = client.get("/api/ledger-accounts/").json()["results"]
    assert [(a["code"], a["balance"]) for a in accounts] == [("pb-wang", "80.00")]
    assert client.get(f"/api/ledger-accounts/{books['neighbour'].pk}/").status_code == 404
    transactions = client.get("/api/ledger-transactions/").json()["results"]
    assert len(transactions) == 1
    assert (transactions[0]["debit_code"], transactions[0]["credit_code"]) == ("issue", "pb-wang")
    page = client.get(f"/ledger/accounts/{books['passbook'].pk}/")
    assert page.status_code == 200 and "参加义务劳动" in page.content.decode()
    assert client.get(f"/ledger/accounts/{books['neighbour'].pk}/").status_code == 404
    assert client.get(f"/ledger/{books['points'].pk}/verify/").status_code == 403


def test_transactions_filter_by_account_and_date(county_a, host_client, make_user, books):
    client = client_for(host_client, county_a, make_user("county_admin"))
    rows = client.get("/api/ledger-transactions/", {"account": books["neighbour"].pk}).json()["results"]
    assert [(r["credit"], r["amount"]) for r in rows] == [(books["neighbour"].pk, "30.00")]
    assert (
        client.get("/api/ledger-transactions/", {"created_from": "2999-01-01T00:00:00Z"}).json()["results"]
        == []
    )


def test_verify_endpoint_and_page_name_the_tampered_transaction(county_a, host_client, make_user, books):
    client = client_for(
        host_client, county_a, make_user("supervisory_member", OrgUnit.objects.get(path="east"))
    )
    url = f"/api/ledgers/{books['points'].pk}/verify/"
    assert client.get(url).json()["ok"] is True
    target = Transaction.objects.get(ledger=books["points"], sequence=2)
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("UPDATE ledger_transaction SET amount = 300 WHERE id = %s", [target.pk])
        cursor.execute("SET session_replication_role = DEFAULT")
    report = client.get(url).json()
    assert (report["ok"], report["first_bad_transaction_id"], report["first_bad_sequence"]) == (
        False,
        target.pk,
        2,
    )
    page = client.get(f"/ledger/{books['points'].pk}/verify/").content.decode()
    assert "校验未通过" in page and f"<td>#{target.pk} {target.memo}</td>" in page and "table-danger" in page


def test_checkpoints_are_recorded_by_finance_not_by_supervisors(county_a, host_client, make_user, books):
    east = OrgUnit.objects.get(path="east")
    supervisor = client_for(host_client, county_a, make_user("supervisory_member", east))
    payload = {"ledger": books["points"].pk}
    assert supervisor.post("/api/ledger-checkpoints/", payload).status_code == 403
    finance = client_for(host_client, county_a, make_user("township_finance", east))
    created = finance.post("/api/ledger-checkpoints/", payload)
    assert created.status_code == 201
    assert created.json()["sequence"] == 2 == services.head(books["points"])[0]
    assert finance.post("/api/ledger-checkpoints/", {"ledger": books["funds"].pk}).status_code == 404
    listed = supervisor.get("/api/ledger-checkpoints/", {"ledger": books["points"].pk}).json()["results"]
    assert [c["head_hash"] for c in listed] == [created.json()["head_hash"]]
    page = finance.post(f"/ledger/{books['points'].pk}/checkpoints/record/", follow=True)
    assert created.json()["head_hash"] in page.content.decode()
    assert LedgerCheckpoint.objects.filter(ledger=books["points"]).count() == 1  # nothing new to record


def test_pages_list_search_and_export(county_a, host_client, make_user, books):
    client = client_for(host_client, county_a, make_user("county_admin"))
    index = client.get("/ledger/", {"q": "周村"}).content.decode()
    assert "周村运维资金" in index and "红阳村积分" not in index
    detail = client.get(f"/ledger/{books['points'].pk}/").content.decode()
    assert "王村民存折" in detail and "李村民存折" in detail
    export = client.get(f"/ledger/accounts/{books['passbook'].pk}/", {"format": "xlsx"})
    sheet = load_workbook(BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[2][2] == "参加义务劳动" and Decimal(str(rows[2][5])) == Decimal("80.00")
    assert client.get(f"/ledger/{books['points'].pk}/checkpoints/").status_code == 200


def test_the_schema_documents_the_ledger_endpoints(county_a, host_client, make_user):
    client = client_for(host_client, county_a, make_user("county_admin"))
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert {"/api/ledgers/{id}/verify/", "/api/ledger-transactions/", "/api/ledger-checkpoints/"} <= set(
        schema["paths"]
    )


def test_the_command_verifies_and_fails_on_tampering(county_a, books, capsys):
    call_command("verify_ledgers", county="alpha")
    assert "pts-hongyang: OK, 2 transactions" in capsys.readouterr().out
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute(
            "DELETE FROM ledger_transaction WHERE ledger_id = %s AND sequence = 1", [books["points"].pk]
        )
        cursor.execute("SET session_replication_role = DEFAULT")
    with pytest.raises(CommandError):
        call_command("verify_ledgers", county="alpha")
    assert "BAD" in capsys.readouterr().out


def test_a_checkpoint_is_published_as_a_notice_quoting_the_head_hash(county_a, host_client, make_user, books):
    from cunwu.disclosure.models import Notice

    finance = client_for(
        host_client, county_a, make_user("township_finance", OrgUnit.objects.get(path="east"))
    )
    checkpoint = finance.post("/api/ledger-checkpoints/", {"ledger": books["points"].pk}).json()
    published = finance.post(f"/api/ledger-checkpoints/{checkpoint['id']}/publish/")
    assert published.status_code == 201
    notice = Notice.objects.get(pk=published.json()["notice"])
    assert checkpoint["head_hash"] in notice.body
    assert notice.org_unit.path == "east/hongyang"
    public = host_client(county_a).get(published.json()["url"])
    assert public.status_code == 200 and checkpoint["head_hash"] in public.content.decode()
