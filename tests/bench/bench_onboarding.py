"""Seconds to onboard a county (template freshness check included), one and 200, vs replaying migrations."""

from __future__ import annotations

import statistics
import time

from tests.bench.counties import onboard_county

SAMPLES = 15
MANY = 200


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


def _copy_schema(schema: str) -> float:
    from cunwu.tenancy.schema_factory import create_county_schema

    started = time.perf_counter()
    create_county_schema(schema)
    return time.perf_counter() - started


def run() -> list[str]:
    from cunwu.tenancy.schema_factory import ensure_template_current

    started = time.perf_counter()
    ensure_template_current()
    template = time.perf_counter() - started

    started = time.perf_counter()
    onboard_county("ob000")  # also reads the template's DDL once for this process (pg_dump)
    first = time.perf_counter() - started

    singles = []
    for index in range(1, SAMPLES + 1):
        started = time.perf_counter()
        onboard_county(f"ob{index:03d}")
        singles.append(time.perf_counter() - started)
    one = statistics.median(singles)

    replayed = _replay_migrations("bench_replayed")
    copied = statistics.median(_copy_schema(f"bench_copy{i}") for i in range(5))

    started = time.perf_counter()
    for index in range(MANY):
        onboard_county(f"om{index:03d}")
    many = time.perf_counter() - started

    return [
        f"bench: template_current_check_first {template:.3f} s (migrates the template in a fresh database)",
        f"bench: onboard_first_county {first:.3f} s (includes this process's one pg_dump of the template)",
        f"bench: onboard_one_county {one:.3f} s median of {SAMPLES}, target <= 0.2 "
        f"ratio={one / replayed:.2f} (vs replaying every migration, {replayed:.3f} s)",
        f"bench: county_schema_copy {copied:.3f} s ratio={copied / replayed:.2f} (vs replaying migrations)",
        f"bench: onboard_{MANY}_counties {many:.1f} s ({many / MANY:.3f} s each)",
    ]
