"""State changes of the organisation: residents and seats on bodies. Each runs in one transaction with an
audit row."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cunwu.audit.services import record, snapshot
from cunwu.orgs.models import Body, Household, Membership, OrgUnit, Resident
from cunwu.orgs.validators import id_card_birth_date, id_card_gender, id_card_problem, phone_problem


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


def _check_personal_numbers(id_card: str, phone: str, *, exclude_pk: int | None = None) -> dict[str, str]:
    problems = {}
    if id_card:
        problem = id_card_problem(id_card)
        if problem:
            problems["id_card"] = problem
        elif Resident.objects.with_id_card(id_card).exclude(pk=exclude_pk).exists():
            problems["id_card"] = _("该身份证号已登记")
    if phone and (problem := phone_problem(phone)):
        problems["phone"] = problem
    return problems


@transaction.atomic
def register_resident(
    *,
    name: str,
    group: OrgUnit,
    actor: Any,
    id_card: str = "",
    phone: str = "",
    household: Household | None = None,
    is_party_member: bool = False,
) -> Resident:
    """Register one resident (a newcomer, a newborn) with the same checks as an import."""
    id_card = id_card.strip().upper()
    problems = _check_personal_numbers(id_card, phone.strip())
    if group.level != OrgUnit.Level.GROUP:
        problems["group"] = _("请选择村民小组")
    if household is not None and household.group_id != group.pk:
        problems["household"] = _("该户不属于所选村民小组")
    if problems:
        raise ValidationError(problems)
    born = id_card_birth_date(id_card) if id_card else None
    resident = Resident.objects.create(
        name=name,
        group=group,
        id_card=id_card,
        phone=phone.strip(),
        household=household,
        is_party_member=is_party_member,
        gender=id_card_gender(id_card) if id_card else "",
        birth_date=born,
    )
    record(actor=actor, action="orgs.register_resident", target=resident, after=snapshot(resident))
    return resident


@transaction.atomic
def update_resident(resident: Resident, *, actor: Any, reason: str = "", **changes: Any) -> Resident:
    """Change a resident's name, phone, party membership or active flag (ID-card numbers do not change)."""
    allowed = {"name", "phone", "is_party_member", "active"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError(_("不能修改:%(fields)s") % {"fields": ", ".join(sorted(unknown))})
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    if "phone" in changes:
        changes["phone"] = changes["phone"].strip()
        problems = _check_personal_numbers("", changes["phone"])
        if problems:
            raise ValidationError(problems)
    before = snapshot(resident)
    for field, value in changes.items():
        setattr(resident, field, value)
    resident.save()
    record(
        actor=actor,
        action="orgs.update_resident",
        target=resident,
        before=before,
        after=snapshot(resident),
        reason=reason,
    )
    return resident
