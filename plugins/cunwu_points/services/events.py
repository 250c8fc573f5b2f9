"""Points events: registered by a registrar (or claimed by a villager), approved by another member.

Only an approved event moves points (an award from the village's issuance account to the passbook, a
penalty back from the passbook). The one who registered an event can never approve it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cunwu.audit.services import record, snapshot
from cunwu.evidence.errors import EvidenceRejected
from cunwu.evidence.services import attach
from cunwu.ledger.errors import InsufficientBalance
from cunwu.ledger.services import balance, transfer
from cunwu.orgs.models import Resident
from cunwu.roles.permissions import has_role
from cunwu_points.errors import (
    EvidenceRequired,
    LimitReached,
    NotPending,
    PointsError,
    SelfReview,
    YearClosed,
)
from cunwu_points.models import EventBatch, Passbook, PointsEvent, Rule
from cunwu_points.periods import period_bounds
from cunwu_points.services.passbooks import Holder, passbook_for

REGISTRARS = ("points_registrar",)
REVIEWERS = ("points_reviewer",)
EVIDENCE_CATEGORY = "points_event"


def _require_role(actor: Any, codes: tuple[str, ...], village) -> None:
    if not has_role(actor, *codes, org_unit=village):
        raise PointsError(_("您没有在%s办理此事项的权限。") % village.name)


def _check_date(occurred_on: dt.date) -> None:
    if occurred_on > timezone.localdate():
        raise PointsError(_("发生日期不能晚于今天。"))


def _check_limit(passbook: Passbook, rule: Rule, occurred_on: dt.date, adding: int = 1) -> None:
    if rule.limit_per_period is None:
        return
    start, end = period_bounds(occurred_on, rule.limit_period)
    used = (
        PointsEvent.objects.filter(
            passbook=passbook, rule__code=rule.code, occurred_on__gte=start, occurred_on__lt=end
        )
        .exclude(status=PointsEvent.Status.REJECTED)
        .count()
    )
    if used + adding > rule.limit_per_period:
        raise LimitReached(
            _("“%(rule)s”每%(period)s最多计%(limit)s次, %(holder)s已计%(used)s次。")
            % {
                "rule": rule.behaviour,
                "period": rule.get_limit_period_display().removeprefix("每"),
                "limit": rule.limit_per_period,
                "holder": passbook.holder_name,
                "used": used,
            }
        )


def _new_event(
    person: Holder,
    rule: Rule,
    occurred_on: dt.date,
    *,
    note: str,
    source: str,
    actor: Any,
    batch: EventBatch | None = None,
) -> PointsEvent:
    passbook = passbook_for(person, occurred_on.year)
    if passbook.book.closed_at is not None:
        raise YearClosed(_("%s年度积分已结转, 不能再登记。") % passbook.book.year)
    if rule.village_id != passbook.book.village_id or not rule.active:
        raise PointsError(_("“%s”不是本村现行评分条例中的条目。") % rule.behaviour)
    # Serialise registrations on this passbook so that two registrars cannot both pass the limit.
    Passbook.objects.select_for_update().filter(pk=passbook.pk).first()
    _check_limit(passbook, rule, occurred_on)
    return PointsEvent.objects.create(
        passbook=passbook,
        rule=rule,
        points=rule.points,
        occurred_on=occurred_on,
        note=note,
        source=source,
        batch=batch,
        registered_by=actor,
    )


def _attach_photo(photo: UploadedFile | None, event: PointsEvent, actor: Any, note: str) -> None:
    if photo is None:
        return
    try:
        attach(photo, target=event, actor=actor, category=EVIDENCE_CATEGORY, note=note)
    except EvidenceRejected as exc:
        raise PointsError(_("照片未通过校验: %s") % exc) from exc


def register(
    person: Holder,
    rule: Rule,
    *,
    occurred_on: dt.date,
    note: str = "",
    photo: UploadedFile | None = None,
    actor: Any,
) -> PointsEvent:
    """A registrar records a behaviour; it waits for another member's approval."""
    _require_role(actor, REGISTRARS, rule.village)
    _check_date(occurred_on)
    if rule.evidence_required and photo is None:
        raise EvidenceRequired(_("“%s”须附现场照片。") % rule.behaviour)
    with transaction.atomic():
        event = _new_event(
            person, rule, occurred_on, note=note, source=PointsEvent.Source.REGISTRAR, actor=actor
        )
        _attach_photo(photo, event, actor, note)
        record(actor=actor, action="points.event_registered", target=event, after=snapshot(event))
    return event


def submit_claim(
    rule: Rule, *, occurred_on: dt.date, note: str, photo: UploadedFile | None = None, actor: Any
) -> PointsEvent:
    """A villager claims points for their own behaviour (申报); a reviewer decides."""
    if not actor.resident_id:
        raise PointsError(_("您的账号没有关联村民信息, 不能申报积分。"))
    resident = Resident.objects.select_related("household", "group").get(pk=actor.resident_id)
    _check_date(occurred_on)
    if rule.evidence_required and photo is None:
        raise EvidenceRequired(_("“%s”须附现场照片。") % rule.behaviour)
    with transaction.atomic():
        event = _new_event(
            resident, rule, occurred_on, note=note, source=PointsEvent.Source.CLAIM, actor=actor
        )
        _attach_photo(photo, event, actor, note)
        record(actor=actor, action="points.claim_submitted", target=event, after=snapshot(event))
    return event


def register_bulk(
    people: Iterable[Holder],
    rule: Rule,
    *,
    occurred_on: dt.date,
    title: str,
    note: str = "",
    actor: Any,
) -> EventBatch:
    """Everyone at one meeting or activity gets the same behaviour; refused whole if one cannot."""
    _require_role(actor, REGISTRARS, rule.village)
    _check_date(occurred_on)
    if rule.evidence_required:
        raise EvidenceRequired(_("“%s”须逐一附照片, 不能批量登记。") % rule.behaviour)
    people = list(people)
    if not people:
        raise PointsError(_("请选择参加活动的村民。"))
    with transaction.atomic():
        first = passbook_for(people[0], occurred_on.year)
        batch = EventBatch.objects.create(
            book=first.book, rule=rule, title=title, occurred_on=occurred_on, created_by=actor
        )
        seen: set[int] = set()
        for person in people:
            event = _new_event(
                person, rule, occurred_on, note=note, source=PointsEvent.Source.BULK, actor=actor, batch=batch
            )
            if event.passbook_id in seen:
                raise PointsError(_("%s在名单中重复出现。") % event.passbook.holder_name)
            seen.add(event.passbook_id)
        record(
            actor=actor,
            action="points.bulk_registered",
            target=batch,
            after={"rule": rule.code, "count": len(seen), "occurred_on": occurred_on.isoformat()},
        )
    return batch


def _post(event: PointsEvent, actor: Any) -> None:
    """Move the event's points in the ledger: an award in full, a penalty down to a zero balance."""
    book = event.passbook.book
    memo = f"{event.rule.behaviour} ({event.occurred_on:%Y-%m-%d})"
    key = f"points-event:{event.pk}"
    if event.points > 0:
        event.transaction = transfer(
            debit=book.issuance_account,
            credit=event.passbook.account,
            amount=event.points,
            memo=memo,
            actor=actor,
            idempotency_key=key,
            link=event,
        )
        event.posted_points = event.points
        return
    # A penalty empties at most the redeemable balance (it cannot go below zero); the cumulative score
    # takes the whole penalty. Retried because a redemption may lower the balance in between.
    for _attempt in range(3):
        amount = min(-event.points, balance(event.passbook.account))
        if amount <= 0:
            event.posted_points = Decimal("0")
            return
        try:
            with transaction.atomic():
                event.transaction = transfer(
                    debit=event.passbook.account,
                    credit=book.issuance_account,
                    amount=amount,
                    memo=memo,
                    actor=actor,
                    idempotency_key=f"{key}:{amount}",
                    link=event,
                )
            event.posted_points = -amount
            return
        except InsufficientBalance:
            continue
    raise PointsError(_("存折余额变动频繁, 请稍后重试。"))


def _locked_pending(event: PointsEvent, actor: Any) -> PointsEvent:
    event = (
        PointsEvent.objects.select_for_update()
        .select_related("passbook__book", "passbook__account", "rule")
        .get(pk=event.pk)
    )
    if event.status != PointsEvent.Status.PENDING:
        raise NotPending(_("该记录已审核(%s)。") % event.get_status_display())
    if event.registered_by_id == actor.pk:
        raise SelfReview(_("登记人不能审核自己登记的积分, 请由另一名执行组成员审核。"))
    _require_role(actor, REVIEWERS, event.passbook.book.village)
    if event.passbook.book.closed_at is not None:
        raise YearClosed(_("%s年度积分已结转。") % event.passbook.book.year)
    return event


def approve(event: PointsEvent, *, actor: Any, reason: str = "") -> PointsEvent:
    """Another member approves: the points are posted to the passbook."""
    with transaction.atomic():
        event = _locked_pending(event, actor)
        before = snapshot(event)
        _post(event, actor)
        event.status = PointsEvent.Status.APPROVED
        event.reviewed_by, event.reviewed_at, event.review_reason = actor, timezone.now(), reason
        event.save(
            update_fields=[
                "status",
                "reviewed_by",
                "reviewed_at",
                "review_reason",
                "posted_points",
                "transaction",
            ]
        )
        record(
            actor=actor, action="points.event_approved", target=event, before=before, after=snapshot(event)
        )
    return event


def reject(event: PointsEvent, *, actor: Any, reason: str) -> PointsEvent:
    """Another member rejects, with a reason the registrar and the villager can read."""
    if not reason.strip():
        raise PointsError(_("驳回须填写理由。"))
    with transaction.atomic():
        event = _locked_pending(event, actor)
        before = snapshot(event)
        event.status = PointsEvent.Status.REJECTED
        event.reviewed_by, event.reviewed_at, event.review_reason = actor, timezone.now(), reason.strip()
        event.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_reason"])
        record(
            actor=actor,
            action="points.event_rejected",
            target=event,
            before=before,
            after=snapshot(event),
            reason=reason,
        )
    return event


def approve_batch(batch: EventBatch, *, actor: Any) -> int:
    """Approve every pending event of a bulk entry; returns how many were approved."""
    with transaction.atomic():
        pending = list(batch.events.filter(status=PointsEvent.Status.PENDING))
        for event in pending:
            approve(event, actor=actor)
    return len(pending)
