"""公示 notices: immutable once posted (service, model and database), corrections, period gate, hash."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from cunwu.audit.models import AuditEntry
from cunwu.disclosure import services
from cunwu.disclosure.errors import AlreadySuperseded, NoticeImmutable, PostingPeriodNotEnded
from cunwu.disclosure.models import Notice


def post(secretary, village, **kwargs):
    values = {
        "org_unit": village,
        "title": "关于村道硬化项目的公示",
        "body": "项目预算 120,000 元。",
        "min_days": 7,
    }
    values.update(kwargs)
    return services.post_notice(actor=secretary, **values)


def test_posted_notice_has_period_and_valid_hash(secretary, village):
    start = timezone.make_aware(dt.datetime(2026, 11, 23, 15, 0))
    notice = post(secretary, village, starts_at=start)
    assert notice.first_day == dt.date(2026, 11, 23)
    assert notice.last_day == dt.date(2026, 11, 29)
    assert len(notice.content_hash) == 64
    assert services.verify_notice(Notice.objects.get(pk=notice.pk))
    entry = AuditEntry.objects.get(action="disclosure.post", target_id=str(notice.pk))
    assert entry.actor_id == secretary.pk and entry.org_path == village.path
    assert entry.after["content_hash"] == notice.content_hash


def test_service_has_no_update_and_model_refuses_save_and_delete(secretary, village):
    notice = post(secretary, village)
    assert not hasattr(services, "update_notice")
    notice.title = "改过的标题"
    with pytest.raises(NoticeImmutable):
        notice.save()
    with pytest.raises(NoticeImmutable):
        notice.delete()


def test_database_refuses_update_and_delete(secretary, village):
    notice = post(secretary, village)
    with pytest.raises(DatabaseError, match="refused"), transaction.atomic():
        Notice.objects.filter(pk=notice.pk).update(title="改过的标题")
    with pytest.raises(DatabaseError, match="refused"), transaction.atomic():
        Notice.objects.filter(pk=notice.pk)._raw_delete(connection.alias)
    assert Notice.objects.get(pk=notice.pk).title == "关于村道硬化项目的公示"


def test_tampering_in_database_is_detected(secretary, village):
    notice = post(secretary, village)
    with connection.cursor() as cursor:
        # Only the table's owner can do this; the verifier must still catch it.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE disclosure_notice DISABLE TRIGGER disclosure_notice_immutable")
        cursor.execute("UPDATE disclosure_notice SET body = body || '(已改)' WHERE id = %s", [notice.pk])
        cursor.execute("ALTER TABLE disclosure_notice ENABLE TRIGGER disclosure_notice_immutable")
    assert not services.verify_notice(Notice.objects.get(pk=notice.pk))


def test_supersede_links_old_and_new(secretary, village):
    old = post(secretary, village)
    new = services.supersede(
        old,
        title="关于村道硬化项目的更正公示",
        body="项目预算 110,000 元。",
        reason="预算有误",
        actor=secretary,
    )
    old = Notice.objects.get(pk=old.pk)
    assert new.supersedes == old
    assert old.is_superseded and old.superseded_by == new
    assert old.latest_version() == new
    assert services.verify_notice(old) and services.verify_notice(new)
    with pytest.raises(AlreadySuperseded):
        services.supersede(old, title="再改", body="再改", reason="再改", actor=secretary)


def test_period_gate(secretary, village):
    notice = post(secretary, village, min_days=5, starts_at=timezone.now())
    with pytest.raises(PostingPeriodNotEnded, match=f"公示期至 {notice.last_day.isoformat()} 结束"):
        services.require_period_ended(notice)
    past = post(secretary, village, min_days=5, starts_at=timezone.now() - dt.timedelta(days=6))
    services.require_period_ended(past)
    # A correction restarts the period: the step waits for the correction.
    fixed = services.supersede(past, title="更正", body="更正后的正文", reason="错字", actor=secretary)
    with pytest.raises(PostingPeriodNotEnded, match=fixed.last_day.isoformat()):
        services.require_period_ended(past)


def test_bad_input_changes_nothing(secretary, village):
    from django.core.exceptions import ValidationError

    before = Notice.objects.count()
    with pytest.raises(ValidationError):
        post(secretary, village, title="  ")
    with pytest.raises(ValidationError):
        post(secretary, village, min_days=0)
    assert Notice.objects.count() == before
