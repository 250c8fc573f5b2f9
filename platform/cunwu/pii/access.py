"""Unmasking personal data: who may, and the access-log entry every unmasking writes (PIPL Art. 51).

Pages, API responses, exports and logs show masked values. Revealing the clear values of one record is
an explicit act by a user holding ``county_admin`` or ``personal_data_viewer`` on the record's org unit
(or the person the record is about); each reveal is written to the audit trail as ``pii.reveal``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.translation import gettext as _

from cunwu.audit.services import record
from cunwu.pii.fields import EncryptedTextField
from cunwu.roles.permissions import has_role

REVEAL_ROLES = ("county_admin", "personal_data_viewer")


def encrypted_fields(instance: models.Model) -> list[str]:
    return [f.name for f in instance._meta.concrete_fields if isinstance(f, EncryptedTextField)]


def can_reveal(user: Any, instance: models.Model, *, org_unit: Any) -> bool:
    """Whether ``user`` may see the clear personal data of ``instance`` (which lies in ``org_unit``)."""
    own = instance._meta.label_lower == "orgs.resident" and getattr(user, "resident_id", None) == instance.pk
    return own or has_role(user, *REVEAL_ROLES, org_unit=org_unit)


@transaction.atomic
def reveal(
    instance: models.Model, *, actor: Any, org_unit: Any, reason: str = "", request: Any = None
) -> dict[str, str]:
    """The clear values of ``instance``'s encrypted fields; refused without permission, always logged."""
    if not can_reveal(actor, instance, org_unit=org_unit):
        raise PermissionDenied(_("无权查看完整个人信息"))
    fields = encrypted_fields(instance)
    record(
        actor=actor,
        action="pii.reveal",
        target=instance,
        after={"fields": fields},
        reason=reason,
        request=request,
    )
    return {name: getattr(instance, name) or "" for name in fields}
