"""The audit trail: one masked row per change, append-only in the database, kept at least 180 days."""

from __future__ import annotations

import datetime

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory, override_settings
from django.utils import timezone

from cunwu.accounts.models import User
from cunwu.audit import services
from cunwu.audit.models import AuditEntry
from cunwu.audit.tasks import purge_expired as purge_task
from cunwu.orgs.models import OrgUnit, Resident

ID_CARD = "110101199001011234"
PHONE = "13812345678"


@pytest.fixture
def resident(county_a):
    group = OrgUnit.objects.filter(level=OrgUnit.Level.GROUP).first()
    return Resident.objects.create(name="张三", id_card=ID_CARD, phone=PHONE, group=group)


@pytest.fixture
def clerk(county_a):
    return User.objects.create_user("clerk", display_name="李文书")


def test_record_writes_one_masked_row_that_outlives_its_actor(resident, clerk, django_assert_num_queries):
    before = services.snapshot(resident)
    resident.phone = "13900001111"
    after = services.snapshot(resident)
    request = RequestFactory().post("/", HTTP_USER_AGENT="UA/1.0", REMOTE_ADDR="10.1.2.3")
    services.record(actor=clerk, action="orgs.resident.update", target=resident, before=before, after=after)
    with django_assert_num_queries(1):
        entry = services.record(
            actor=clerk,
            action="orgs.resident.update",
            target=resident,
            before=before,
            after=after,
            reason="更正",
            request=request,
        )
    clerk_id = clerk.pk
    clerk.delete()
    entry = AuditEntry.objects.get(pk=entry.pk)
    assert (entry.actor_id, entry.actor_name) == (clerk_id, "李文书")
    assert entry.changed_fields == ["phone"]
    assert entry.before["id_card"] == "110101********1234"
    assert entry.before["phone"] == "138****5678" and entry.after["phone"] == "139****1111"
    assert "id_card_hash" not in entry.after
    assert (entry.ip_address, entry.user_agent, entry.reason) == ("10.1.2.3", "UA/1.0", "更正")
    assert entry.target_repr == "张三" and entry.target_id == str(resident.pk)
    with connection.cursor() as cursor:
        cursor.execute("SELECT before::text, after::text FROM audit_auditentry WHERE id = %s", [entry.pk])
        raw = " ".join(cursor.fetchone())
    assert ID_CARD not in raw and PHONE not in raw and "13900001111" not in raw


@pytest.mark.parametrize(
    ("trusted", "expected"), [(0, "10.0.0.9"), (1, "203.0.113.7")], ids=["untrusted", "one-proxy"]
)
def test_forwarded_for_is_believed_only_behind_a_trusted_proxy(county_a, trusted, expected):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.7")
    with override_settings(CUNWU_TRUSTED_PROXIES=trusted):
        entry = services.record(actor="system", action="test.ping", request=request)
    assert entry.ip_address == expected


@pytest.mark.parametrize(
    "statement", ["UPDATE audit_auditentry SET action = 'x'", "DELETE FROM audit_auditentry"]
)
def test_the_database_refuses_to_change_entries(county_a, statement):
    services.record(actor="system", action="test.ping")
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    assert AuditEntry.objects.filter(action="test.ping").count() == 1


def test_even_a_forged_purge_marker_cannot_delete_recent_entries(county_a):
    services.record(actor="system", action="test.ping")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('cunwu.audit_purge_before', now()::text, true)")
        cursor.execute("DELETE FROM audit_auditentry")
    assert AuditEntry.objects.filter(action="test.ping").exists()


def test_purge_removes_only_entries_past_retention_and_refuses_under_180_days(county_a):
    now = timezone.now()
    old = AuditEntry.objects.create(
        actor_name="system", action="old", created_at=now - datetime.timedelta(days=200)
    )
    recent = AuditEntry.objects.create(
        actor_name="system", action="recent", created_at=now - datetime.timedelta(days=170)
    )
    with pytest.raises(ValueError, match="180"):
        services.purge_expired(179)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT audit_purge(30)")
    assert purge_task() == 1  # the daily beat task, with the configured retention
    assert not AuditEntry.objects.filter(pk=old.pk).exists()
    assert AuditEntry.objects.filter(pk=recent.pk).exists()


def test_a_retention_setting_below_the_minimum_is_refused():
    from cunwu.audit.checks import audit_retention_check

    with override_settings(CUNWU_AUDIT_RETENTION_DAYS=90):
        assert [message.id for message in audit_retention_check()] == ["cunwu.audit.E001"]
    with override_settings(CUNWU_AUDIT_RETENTION_DAYS=365):
        assert audit_retention_check() == []
