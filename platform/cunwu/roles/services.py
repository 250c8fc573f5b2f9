"""Granting and revoking roles. Each change runs in one transaction and writes an audit row."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cunwu.audit.services import record
from cunwu.orgs.models import OrgUnit
from cunwu.roles.catalogue import roles_for
from cunwu.roles.models import RoleAssignment


def _describe(assignment: RoleAssignment) -> dict[str, Any]:
    return {
        "user": assignment.user.username,
        "role": assignment.role,
        "org_unit": assignment.org_unit.path if assignment.org_unit_id else None,
        "scope_object": assignment.scope_object,
        "valid_until": assignment.valid_until.isoformat() if assignment.valid_until else None,
    }


@transaction.atomic
def grant(
    user: Any,
    role: str,
    *,
    org_unit: OrgUnit | None = None,
    scope_object: str = "",
    actor: Any,
    reason: str = "",
) -> RoleAssignment:
    """Give ``user`` the role on ``org_unit`` (whole county when ``None``); idempotent while in force."""
    if role not in roles_for():
        raise ValidationError(_("未知角色:%(role)s") % {"role": role})
    existing = (
        RoleAssignment.objects.active()
        .filter(user=user, role=role, org_unit=org_unit, scope_object=scope_object)
        .first()
    )
    if existing is not None:
        return existing
    assignment = RoleAssignment.objects.create(
        user=user,
        role=role,
        org_unit=org_unit,
        scope_object=scope_object,
        granted_by=actor if getattr(actor, "pk", None) else None,
    )
    record(actor=actor, action="roles.grant", target=assignment, after=_describe(assignment), reason=reason)
    return assignment


@transaction.atomic
def revoke(assignment: RoleAssignment, *, actor: Any, reason: str = "") -> RoleAssignment:
    """End an assignment now (it is kept, with its end time, for the record)."""
    assignment = RoleAssignment.objects.select_for_update().get(pk=assignment.pk)
    if not assignment.is_active:
        return assignment
    before = _describe(assignment)
    assignment.valid_until = timezone.now()
    assignment.save(update_fields=["valid_until"])
    record(
        actor=actor,
        action="roles.revoke",
        target=assignment,
        before=before,
        after=_describe(assignment),
        reason=reason,
    )
    return assignment
