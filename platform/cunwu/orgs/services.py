"""State changes of the organisation: seats on bodies. Each runs in one transaction with an audit row."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cunwu.audit.services import record, snapshot
from cunwu.orgs.models import Body, Membership, Resident


@transaction.atomic
def appoint(
    body: Body, resident: Resident, *, position: str = "", start_date: date, actor: Any, reason: str = ""
) -> Membership:
    """Give ``resident`` a seat on ``body`` from ``start_date``; refused when the body's seats are full."""
    body = Body.objects.select_for_update().get(pk=body.pk)
    current = body.memberships.filter(end_date__isnull=True)
    if current.filter(resident=resident).exists():
        raise ValidationError(_("%(name)s 已是该机构成员") % {"name": resident.name})
    if body.seats is not None and current.count() >= body.seats:
        raise ValidationError(_("席位已满(共%(seats)d席)") % {"seats": body.seats})
    membership = Membership.objects.create(
        body=body, resident=resident, position=position, start_date=start_date
    )
    record(actor=actor, action="orgs.appoint", target=membership, after=snapshot(membership), reason=reason)
    return membership


@transaction.atomic
def end_membership(membership: Membership, *, end_date: date, actor: Any, reason: str = "") -> Membership:
    """End a seat on ``end_date`` (kept for the record)."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.end_date is not None:
        raise ValidationError(_("该任职已结束"))
    if end_date < membership.start_date:
        raise ValidationError(_("离任日期不能早于任职日期"))
    before = snapshot(membership)
    membership.end_date = end_date
    membership.save(update_fields=["end_date"])
    record(
        actor=actor,
        action="orgs.end_membership",
        target=membership,
        before=before,
        after=snapshot(membership),
        reason=reason,
    )
    return membership
