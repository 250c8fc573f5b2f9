"""Writing the audit trail: :func:`record` (one INSERT, it sits on hot paths) and :func:`snapshot`.

Snapshots hold field values as JSON. Personal data never reaches the trail in clear: encrypted fields
(:class:`cunwu.pii.fields.EncryptedTextField`) are masked, their keyed lookup hashes and password
hashes are left out.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models
from django.db.models import Subquery
from django.db.models.fields.files import FieldFile

from cunwu.audit import request_info
from cunwu.audit.models import AuditEntry
from cunwu.orgs.models import OrgUnit
from cunwu.pii import masking
from cunwu.pii.fields import EncryptedTextField

# 网络安全法 第二十一条: network logs are kept no less than six months.
MIN_RETENTION_DAYS = 180
EXCLUDED_FIELDS = frozenset({"password"})
TARGET_REPR_MAX = 200


def retention_days() -> int:
    """The configured retention (``CUNWU_AUDIT_RETENTION_DAYS``); a value below the legal minimum is refused."""
    days = int(getattr(settings, "CUNWU_AUDIT_RETENTION_DAYS", MIN_RETENTION_DAYS))
    if days < MIN_RETENTION_DAYS:
        raise ImproperlyConfigured(
            f"CUNWU_AUDIT_RETENTION_DAYS={days}: audit entries must be kept at least {MIN_RETENTION_DAYS} days."
        )
    return days


def _mask_encrypted(name: str, value: str) -> str:
    if not value:
        return ""
    if "id_card" in name:
        return masking.mask_id_card(value)
    if "phone" in name:
        return masking.mask_phone(value)
    return "*" * 6


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str | list | dict):
        return value
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or ""
    return str(value)


def snapshot(instance: models.Model) -> dict[str, Any]:
    """Field values of ``instance`` as JSON-able data, personal data masked (foreign keys by id)."""
    fields = instance._meta.concrete_fields
    encrypted = {f.name for f in fields if isinstance(f, EncryptedTextField)}
    hidden = EXCLUDED_FIELDS | {f"{name}_hash" for name in encrypted}
    data: dict[str, Any] = {}
    for field in fields:
        if field.name in hidden:
            continue
        value = field.value_from_object(instance)
        if field.name in encrypted:
            data[field.attname] = _mask_encrypted(field.name, value or "")
        else:
            data[field.attname] = _jsonable(value)
    return data


def changed_fields(before: dict | None, after: dict | None) -> list[str]:
    """Keys whose value differs (a key present on one side only counts as changed)."""
    before, after = before or {}, after or {}
    return sorted(key for key in before.keys() | after.keys() if before.get(key, ...) != after.get(key, ...))


def _actor_fields(actor: Any) -> tuple[int | None, str]:
    if actor is None:
        return None, "system"
    if isinstance(actor, str):
        return None, actor
    if not getattr(actor, "is_authenticated", False):
        return None, "anonymous"
    return actor.pk, str(actor)[:150]


def _org_path(target: models.Model) -> str | Subquery:
    """The org path of ``target``, without a query of its own (a subquery of the INSERT at most).

    Taken from an ``org_path`` attribute, an :class:`OrgUnit` itself, or an ``org_unit``/``group``
    reference; entries about objects outside the org tree have none (county-wide readers see them).
    """
    if isinstance(target, OrgUnit):
        return target.path
    path = getattr(target, "org_path", None)
    if isinstance(path, str):
        return path
    for name in ("org_unit", "group"):
        unit_id = getattr(target, f"{name}_id", None)
        if unit_id is None:
            continue
        cached = target._state.fields_cache.get(name)
        if isinstance(cached, OrgUnit):
            return cached.path
        return Subquery(OrgUnit.objects.filter(pk=unit_id).values("path")[:1])
    return ""


def record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    before: dict | None = None,
    after: dict | None = None,
    reason: str = "",
    request: Any = None,
) -> AuditEntry:
    """Append one entry. ``actor`` is a user, or a string naming a system actor (``"onboarding"``).

    ``request`` defaults to the request being served (see :class:`request_info.AuditRequestMiddleware`).
    """
    request = request if request is not None else request_info.current_request()
    actor_id, actor_name = _actor_fields(actor)
    entry = AuditEntry(
        actor_id=actor_id,
        actor_name=actor_name,
        action=action,
        before=before,
        after=after,
        changed_fields=changed_fields(before, after),
        reason=reason,
    )
    if target is not None:
        entry.target_type = ContentType.objects.get_for_model(target, for_concrete_model=False)
        entry.target_id = str(target.pk) if target.pk is not None else ""
        entry.target_repr = str(target)[:TARGET_REPR_MAX]
        entry.org_path = _org_path(target)
    if request is not None:
        entry.ip_address = request_info.client_ip(request)
        entry.user_agent = request_info.user_agent(request)
    entry.save(force_insert=True)
    return entry


def purge_expired(days: int | None = None) -> int:
    """Delete entries older than the retention period through the database's ``audit_purge`` function.

    The database function itself refuses a period below :data:`MIN_RETENTION_DAYS`, whatever calls it.
    """
    days = retention_days() if days is None else days
    if days < MIN_RETENTION_DAYS:
        raise ValueError(f"审计记录至少保存 {MIN_RETENTION_DAYS} 天,不能按 {days} 天清理。")
    with connection.cursor() as cursor:
        cursor.execute("SELECT audit_purge(%s)", [days])
        return cursor.fetchone()[0]
