"""The pool of spare schemas: claimed atomically and only when current, refilled to its size, never shared.

The catalogue of a county claimed from the pool is compared with a migrated one in test_schema_factory.py.
Spares are committed on a connection of their own; these tests commit too (no ``db`` fixture unless
said), so that rollbacks and concurrent claims are real, and the ``spare_pool`` fixture drops every spare.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.test import TestCase
from django_tenants.utils import schema_exists

from cunwu.policy.packs import PackRefused, validate_pack
from cunwu.tenancy import onboarding, tasks
from cunwu.tenancy.models import County
from cunwu.tenancy.schema_factory import applied_migrations, expected_migrations
from cunwu.tenancy.schema_pool import SPARE_PREFIX, claim_spare, create_county_schema, is_spare, spares

PACK = (Path(__file__).parents[1] / "packs" / "alpha.toml").read_text(encoding="utf-8")


class Undo(Exception):
    """Raised to roll a transaction back on purpose."""


@contextmanager
def rolled_back() -> Iterator[None]:
    """A top-level transaction that is always rolled back (the connection is not inside the test's)."""
    try:
        with transaction.atomic():
            yield
            raise Undo
    except Undo:
        pass


@pytest.fixture
def committed(django_db_setup, django_db_blocker) -> Iterator[None]:
    """Database access outside any test transaction: what is done here is committed (or rolled back)."""
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        yield
        connection.set_schema_to_public()


def oid(schema: str) -> int | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT oid FROM pg_namespace WHERE nspname = %s", [schema])
        row = cursor.fetchone()
    return row[0] if row else None


def make_stale(spare: str) -> None:
    """As if a migration had been added since the spare was built: one tenant migration unrecorded."""
    app, name = max(expected_migrations())
    with connection.cursor() as cursor:
        cursor.execute(f'DELETE FROM "{spare}".django_migrations WHERE app = %s AND name = %s', [app, name])
        assert cursor.rowcount == 1


def test_a_claim_renames_a_spare_in_the_callers_transaction(spare_pool, committed):
    spare_pool(1)
    (spare,) = spares()
    spare_oid = oid(spare)
    with rolled_back():
        create_county_schema("pool_claimed")
        assert oid("pool_claimed") == spare_oid  # the same schema, renamed: nothing was copied
        assert spares() == []
    assert spares() == [spare] and not schema_exists("pool_claimed")


def test_a_failed_onboarding_returns_the_spare(spare_pool, committed, monkeypatch):
    spare_pool(1)
    (spare,) = spares()

    def fail(*args, **kwargs):
        assert schema_exists("county_poolfail") and not schema_exists(spare)
        raise RuntimeError("a later step of onboarding failed")

    monkeypatch.setattr(onboarding, "_sync_domains", fail)
    source = PACK.replace('slug = "alpha"', 'slug = "poolfail"').replace(
        "alpha.localhost", "poolfail.localhost"
    )
    with pytest.raises(RuntimeError):
        onboarding.onboard(validate_pack(source), actor="tests")
    assert not County.objects.filter(slug="poolfail").exists()
    assert not schema_exists("county_poolfail")
    assert spares() == [spare]
    with rolled_back():
        assert claim_spare("pool_again")  # and it can be claimed again


def test_a_stale_spare_is_never_claimed_and_the_refill_replaces_it(spare_pool, committed):
    spare_pool(1)
    (stale,) = spares()
    make_stale(stale)
    with rolled_back():
        assert not claim_spare("pool_stale")
        create_county_schema("pool_stale")  # falls back to the template copy
        assert expected_migrations() <= applied_migrations("pool_stale")
        assert spares() == [stale]

    refill = spare_pool(1)
    assert (refill.created, refill.dropped) == (1, 1)
    (fresh,) = spares()
    assert fresh != stale and not schema_exists(stale)
    assert expected_migrations() <= applied_migrations(fresh)


def test_migrate_platform_replaces_stale_spares(spare_pool, committed):
    """After a release's migrations, no spare built before them is left (migrate_schemas skips spares)."""
    spare_pool(1)
    (stale,) = spares()
    make_stale(stale)
    call_command("migrate_platform", verbosity=0)
    (fresh,) = spares()
    assert fresh != stale and expected_migrations() <= applied_migrations(fresh)


def test_an_empty_or_disabled_pool_falls_back_to_the_copy(spare_pool, committed, settings):
    spare_pool(0)
    settings.CUNWU_SCHEMA_POOL_SIZE = 2  # on, but nothing built yet
    with rolled_back():
        create_county_schema("pool_empty")
        assert expected_migrations() <= applied_migrations("pool_empty")

    spare_pool(1)
    settings.CUNWU_SCHEMA_POOL_SIZE = 0  # off: the spare left over is not used
    (spare,) = spares()
    with rolled_back():
        create_county_schema("pool_off")
        assert oid("pool_off") != oid(spare) and spares() == [spare]


def test_the_refill_is_idempotent_and_keeps_the_size(spare_pool, committed):
    assert spare_pool(2).created == 2
    first = spares()
    assert (spare_pool(2).created, spare_pool(2).dropped) == (0, 0)
    assert spares() == first
    assert spare_pool(1).dropped == 1 and spares() == first[:1]  # the oldest is kept
    assert spare_pool(3).created == 2 and len(spares()) == 3
    assert spare_pool(0).dropped == 3 and spares() == []


def _claim_concurrently(targets: list[str]) -> dict[str, int | None]:
    """Each target claimed on a connection of its own, all transactions open at once; the oid each got."""
    got: dict[str, int | None] = {}
    started, claimed = threading.Barrier(len(targets)), threading.Barrier(len(targets), timeout=30)

    def claim(target: str) -> None:
        try:
            started.wait()
            with rolled_back():
                got[target] = oid(target) if claim_spare(target) else None
                claimed.wait()  # nobody commits or rolls back before every claim is made
        finally:
            connections.close_all()

    threads = [threading.Thread(target=claim, args=(t,)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return got


def test_concurrent_claims_never_get_the_same_spare(spare_pool, committed):
    spare_pool(2)
    spare_oids = {oid(spare) for spare in spares()}
    got = _claim_concurrently(["pool_c1", "pool_c2"])
    assert set(got.values()) == spare_oids  # one each

    spare_pool(1)
    got = _claim_concurrently(["pool_c3", "pool_c4"])
    assert sorted(got.values(), key=str) == sorted([oid(spares()[0]), None], key=str)  # one waits for none


def test_a_spare_can_never_be_a_county(spare_pool, committed):
    """County slugs are lowercase letters and digits, so ``county_<slug>`` never starts ``county_spare_``."""
    spare_pool(1)
    with pytest.raises(ValueError):
        claim_spare(f"{SPARE_PREFIX}x")
    with pytest.raises(PackRefused):
        validate_pack(PACK.replace('slug = "alpha"', 'slug = "spare_x"'))
    assert not is_spare(onboarding.schema_name_for("spare"))
    assert not County.objects.filter(schema_name__startswith=SPARE_PREFIX).exists()


def test_onboarding_that_creates_a_schema_asks_for_a_refill_in_public(public_schema, settings, monkeypatch):
    settings.CUNWU_SCHEMA_POOL_SIZE = 2
    sent: list[dict] = []
    monkeypatch.setattr(tasks.refill_schema_pool_task, "apply_async", lambda **kw: sent.append(kw))
    source = PACK.replace('slug = "alpha"', 'slug = "poolhook"').replace(
        "alpha.localhost", "poolhook.localhost"
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        onboarding.onboard(validate_pack(source), actor="tests")
    assert sent == [{"headers": {"_schema_name": settings.PUBLIC_SCHEMA_NAME}}]
    with TestCase.captureOnCommitCallbacks(execute=True):
        onboarding.onboard(validate_pack(source), actor="tests")  # an update takes no schema
    assert len(sent) == 1


def test_beat_sends_a_public_entry_once_in_the_public_schema(db):
    from cunwu.celery import app

    scheduler = tasks.PublicAwareScheduler(app=app, lazy=True)
    # As beat reads CELERY_BEAT_SCHEDULE: tenant-schemas-celery turns tenant_schemas into a header.
    (name, spec), *_ = scheduler._tenant_aware_beat_schedule_to_dict(
        {"tenancy-refill-schema-pool": settings.CELERY_BEAT_SCHEDULE["tenancy-refill-schema-pool"]}
    ).items()
    entry = scheduler.Entry(name=name, app=app, **spec)
    schemas: list[str] = []
    scheduler.apply_async = lambda *args, **kwargs: schemas.append(connection.schema_name)
    scheduler.apply_entry(entry)
    assert schemas == [settings.PUBLIC_SCHEMA_NAME]
