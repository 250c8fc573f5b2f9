"""Seconds to onboard a county (template freshness check included), one and 200, vs replaying migrations.

Both ways of getting the county's schema are measured: a spare from a warm pool (renamed inside the
onboarding transaction) and the template copy (the pool off, or empty). The pool is refilled between
samples outside the timed part, as the worker's refill task would do after each onboarding; for the 200
counties, each onboarding is followed by that refill, run here in the same process and counted in the
total (a worker would run it beside the next onboardings). The refill tasks onboarding sends go to an
in-memory broker: the benchmarks never reach a real one.
"""

from __future__ import annotations

import logging
import statistics
import time
from collections.abc import Callable

from tests.bench.counties import onboard_county

SAMPLES = 15
MANY = 200
POOL = 2


def _replay_migrations(schema: str) -> float:
    """The slow path, for the baseline: a new schema built by running every tenant migration."""
    from django.core.management import call_command
    from django.db import connection
    from django_tenants.utils import schema_context

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA "{schema}"')
    with schema_context(schema):
        call_command("migrate_schemas", schema_name=schema, interactive=False, verbosity=0)
    return time.perf_counter() - started


def _timed(work: Callable[..., object], *args: object) -> float:
    started = time.perf_counter()
    work(*args)
    return time.perf_counter() - started


def _copy_schema(schema: str) -> float:
    """The template copy alone, committed (the commit of that much DDL is part of its cost)."""
    from django.db import transaction

    from cunwu.tenancy.schema_factory import copy_template

    started = time.perf_counter()
    with transaction.atomic():
        copy_template(schema)
    return time.perf_counter() - started


def _claim_spare(schema: str) -> float:
    from django.db import transaction

    from cunwu.tenancy.schema_pool import claim_spare

    with transaction.atomic():
        took = _timed(claim_spare, schema)
        transaction.set_rollback(True)  # the spare stays in the pool for the next sample
    return took


def run() -> list[str]:
    from django.conf import settings

    from cunwu.celery import app
    from cunwu.tenancy.schema_factory import ensure_template_current
    from cunwu.tenancy.schema_pool import refill_schema_pool

    app.conf.broker_url = "memory://localhost//"
    logging.getLogger("cunwu.tenancy.schema_pool").setLevel(logging.WARNING)  # one line per refill
    configured_size = settings.CUNWU_SCHEMA_POOL_SIZE

    template = _timed(ensure_template_current)
    settings.CUNWU_SCHEMA_POOL_SIZE = 0
    first = _timed(onboard_county, "ob000")  # also this process's one pg_dump of the template

    copied_singles = [_timed(onboard_county, f"oc{i:03d}") for i in range(SAMPLES)]
    copied_one = statistics.median(copied_singles)

    settings.CUNWU_SCHEMA_POOL_SIZE = POOL
    refill = _timed(refill_schema_pool)  # builds the POOL spares
    pooled_singles = []
    for index in range(SAMPLES):
        pooled_singles.append(_timed(onboard_county, f"op{index:03d}"))
        refill_schema_pool()
    pooled_one = statistics.median(pooled_singles)
    claimed = statistics.median(_claim_spare(f"bench_claim{i}") for i in range(5))

    replayed = _replay_migrations("bench_replayed")
    copied = statistics.median(_copy_schema(f"bench_copy{i}") for i in range(5))

    onboarding_only = 0.0
    started = time.perf_counter()
    for index in range(MANY):
        onboarding_only += _timed(onboard_county, f"om{index:03d}")
        refill_schema_pool()
    many = time.perf_counter() - started

    settings.CUNWU_SCHEMA_POOL_SIZE = 0
    refill_schema_pool()  # the other benchmarks start without spares, as before
    settings.CUNWU_SCHEMA_POOL_SIZE = configured_size

    return [
        f"bench: template_current_check_first {template:.3f} s (migrates the template in a fresh database)",
        f"bench: onboard_first_county {first:.3f} s (includes this process's one pg_dump of the template)",
        f"bench: onboard_one_county_from_pool {pooled_one:.3f} s median of {SAMPLES}, target <= 0.2 "
        f"ratio={pooled_one / replayed:.2f} (warm pool of {POOL}, refilled between samples untimed; "
        f"vs replaying every migration, {replayed:.3f} s)",
        f"bench: onboard_one_county_by_copy {copied_one:.3f} s median of {SAMPLES} "
        f"ratio={copied_one / replayed:.2f} (pool off: the template copy in the onboarding transaction)",
        f"bench: county_schema_copy {copied:.3f} s ratio={copied / replayed:.2f} (vs replaying migrations)",
        f"bench: county_schema_claim {claimed:.4f} s ratio={claimed / replayed:.4f} "
        f"(a spare proven current and renamed; vs replaying migrations)",
        f"bench: schema_pool_refill {refill:.3f} s (building {POOL} spares, on a worker in production)",
        f"bench: onboard_{MANY}_counties {many:.1f} s ({many / MANY:.3f} s each: onboarding from the pool, "
        f"then the refill a worker would run, both counted; onboarding alone {onboarding_only:.1f} s)",
    ]
