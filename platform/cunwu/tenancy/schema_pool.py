"""A pool of spare county schemas, built ahead of time, so that onboarding renames one instead of copying.

Replaying the template's DDL (``schema_factory.copy_template``) is most of an onboarding's time, and it
does not depend on the county. So the schema is built before anyone asks for it: a *spare* is a schema
``county_spare_<hex>`` made from the current template by the same replay script and committed on its own
connection. A county schema is ``county_<slug>`` with a slug of lowercase letters and digits only
(``policy.schema.CountySpec``), so no county can ever be named like a spare; spares have no ``County``
row, so nothing that lists counties (django-tenants' ``migrate_schemas``, beat, the operator pages) sees
them.

Claiming (:func:`claim_spare`) happens inside the onboarding transaction: a spare is taken under a
transaction-level advisory try-lock (another onboarding skips it instead of waiting), proven current by
comparing its own ``django_migrations`` with the migration graph, and renamed to the county's schema.
If the onboarding fails, the rename is rolled back and the spare is in the pool again. A stale spare (a
migration was added since it was built) is never claimed; :func:`refill_schema_pool` drops it and tops
the pool up to ``settings.CUNWU_SCHEMA_POOL_SIZE`` (0: no pool, every county is a copy). The refill runs
after each onboarding that created a schema (a Celery task), on a beat entry and in ``migrate_platform``.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction

from cunwu.tenancy.schema_factory import copy_template, missing_migrations, on_own_connection

logger = logging.getLogger(__name__)

SPARE_PREFIX = "county_spare_"
# Advisory lock keys (any constants): one per spare (with hashtext(name)), one for the refill.
_SPARE_LOCK_CLASS = 0x73706172  # "spar"
_REFILL_LOCK = 0x706F6F6C  # "pool"


def pool_size() -> int:
    return max(settings.CUNWU_SCHEMA_POOL_SIZE, 0)


def is_spare(schema_name: str) -> bool:
    return schema_name.startswith(SPARE_PREFIX)


def spares() -> list[str]:
    """The spare schemas that exist now (committed ones, and any this transaction has not renamed)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nspname FROM pg_namespace WHERE starts_with(nspname, %s) ORDER BY oid", [SPARE_PREFIX]
        )
        return [name for (name,) in cursor.fetchall()]


def _lock(spare: str) -> bool:
    """Take ``spare`` for this transaction, or say it is taken (claimed or being dropped elsewhere)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s, hashtext(%s))", [_SPARE_LOCK_CLASS, spare])
        return cursor.fetchone()[0]


def _is_current(spare: str) -> bool:
    """Whether ``spare`` still exists and holds every tenant migration (checked after taking its lock).

    A statement run after the lock sees what the previous holder committed: a spare renamed by another
    onboarding is gone by then.
    """
    return not missing_migrations(spare)  # a schema that is gone misses every migration


def claim_spare(schema_name: str) -> bool:
    """Rename a current spare to ``schema_name`` inside the caller's transaction; False when none is free."""
    if is_spare(schema_name):
        raise ValueError(f"{schema_name!r} is named like a spare schema")
    if not pool_size():
        return False
    for spare in spares():
        if _lock(spare) and _is_current(spare):
            with connection.cursor() as cursor:
                cursor.execute(f'ALTER SCHEMA "{spare}" RENAME TO "{schema_name}"')
            return True
    return False


@dataclass(frozen=True)
class Refill:
    created: int
    dropped: int


def _drop_if(spare: str, *, stale_only: bool) -> bool:
    """Drop ``spare`` in a transaction of its own unless someone holds it (or, with stale_only, it is current)."""
    with transaction.atomic():
        if not _lock(spare) or (stale_only and _is_current(spare)):
            return False
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{spare}" CASCADE')
        return True


def _refill() -> Refill:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [_REFILL_LOCK])
        if not cursor.fetchone()[0]:
            return Refill(0, 0)  # another refill is running; it counts the spares again as it goes
    try:
        dropped = sum(_drop_if(spare, stale_only=True) for spare in spares())
        created = 0
        while len(present := spares()) < pool_size():
            with transaction.atomic():
                copy_template(f"{SPARE_PREFIX}{uuid.uuid4().hex}")
            created += 1
        dropped += sum(_drop_if(spare, stale_only=False) for spare in present[pool_size() :])
        return Refill(created, dropped)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [_REFILL_LOCK])


def refill_schema_pool() -> Refill:
    """Drop stale spares and top the pool up to its size (surplus spares dropped), each step committed.

    Runs on a connection of its own, so that it commits even when called inside a transaction.
    """
    result = on_own_connection(_refill, name="cunwu-schema-pool")
    if result.created or result.dropped:
        logger.info("Schema pool: %d spare(s) built, %d dropped", result.created, result.dropped)
    return result


def create_county_schema(schema_name: str) -> None:
    """Create ``schema_name`` inside the caller's transaction: a current spare renamed, else a copy."""
    if not claim_spare(schema_name):
        copy_template(schema_name)
