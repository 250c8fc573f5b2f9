"""Create a county's schema quickly, from a template schema that is proven current.

Replaying every migration for each new county is the slow path (LESSONS.md pitfall 2). The template
``settings.TENANT_BASE_SCHEMA`` is migrated like a county; a new county's schema is a copy of it. Before
copying, :func:`ensure_template_current` compares the template's ``django_migrations`` with the
migration graph, and migrates the template first when a migration was added since: a stale template
can therefore never produce a broken county.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django_tenants.clone import CloneSchema
from django_tenants.utils import schema_context, schema_exists


def _tenant_app_labels() -> set[str]:
    from django.apps import apps

    labels = set()
    for app in settings.TENANT_APPS:
        config = next(c for c in apps.get_app_configs() if c.name == app)
        labels.add(config.label)
    return labels


def expected_migrations() -> set[tuple[str, str]]:
    """Every migration of a tenant app, as ``(app_label, name)``."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    labels = _tenant_app_labels()
    return {key for key in loader.disk_migrations if key[0] in labels}


def applied_migrations(schema_name: str) -> set[tuple[str, str]]:
    if not schema_exists(schema_name):
        return set()
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT app, name FROM "{schema_name}".django_migrations'  # schema names are validated slugs
        )
        return {(app, name) for app, name in cursor.fetchall()}


def missing_migrations(schema_name: str) -> set[tuple[str, str]]:
    return expected_migrations() - applied_migrations(schema_name)


def ensure_template_current() -> None:
    """Create or migrate the template schema so that it holds every tenant migration."""
    template = settings.TENANT_BASE_SCHEMA
    if not missing_migrations(template):
        return
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA IF NOT EXISTS "{template}"')
    with schema_context(template):
        call_command("migrate_schemas", schema_name=template, interactive=False, verbosity=0)


def create_county_schema(schema_name: str) -> None:
    """Copy the (current) template into a new schema. Runs inside the caller's transaction."""
    ensure_template_current()
    CloneSchema().clone_schema(settings.TENANT_BASE_SCHEMA, schema_name, set_connection=False)
