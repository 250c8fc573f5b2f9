"""The fast county schema (template copy or spare from the pool) is exactly what migrating would build."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django_tenants.utils import schema_context

from cunwu.tenancy.schema_factory import applied_migrations, expected_migrations
from cunwu.tenancy.schema_pool import create_county_schema, spares

# Each query lists one kind of catalogue object of schema %(s)s; the schema's own name is replaced
# by "<schema>" so that two schemas can be compared.
CATALOGUE = {
    "columns": """
        SELECT table_name, column_name, data_type, udt_name, is_nullable, column_default,
               is_identity, identity_generation, character_maximum_length, numeric_precision,
               numeric_scale, is_generated, generation_expression
        FROM information_schema.columns WHERE table_schema = %(s)s
        ORDER BY table_name, ordinal_position""",
    "tables": """
        SELECT c.relname, c.relkind, c.relpersistence, c.relrowsecurity
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = %(s)s ORDER BY c.relname""",
    "constraints": """
        SELECT cl.relname, co.conname, co.contype, pg_get_constraintdef(co.oid), co.condeferrable,
               co.condeferred, co.convalidated
        FROM pg_constraint co JOIN pg_class cl ON cl.oid = co.conrelid
        JOIN pg_namespace n ON n.oid = cl.relnamespace
        WHERE n.nspname = %(s)s ORDER BY cl.relname, co.conname""",
    "indexes": "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = %(s)s ORDER BY 2",
    "triggers": """
        SELECT cl.relname, t.tgname, pg_get_triggerdef(t.oid), t.tgenabled
        FROM pg_trigger t JOIN pg_class cl ON cl.oid = t.tgrelid
        JOIN pg_namespace n ON n.oid = cl.relnamespace
        WHERE n.nspname = %(s)s AND NOT t.tgisinternal ORDER BY 1, 2""",
    "functions": """
        SELECT p.proname, pg_get_function_identity_arguments(p.oid), pg_get_functiondef(p.oid)
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = %(s)s ORDER BY 1, 2""",
    "sequences": """
        SELECT sequencename, data_type, start_value, increment_by, cycle
        FROM pg_sequences WHERE schemaname = %(s)s ORDER BY 1""",
    "rules_and_policies": """
        SELECT 'rule', tablename, rulename, definition FROM pg_rules WHERE schemaname = %(s)s
        UNION ALL
        SELECT 'policy', tablename, policyname, coalesce(qual, '') || coalesce(with_check, '')
        FROM pg_policies WHERE schemaname = %(s)s ORDER BY 1, 2, 3""",
}


def catalogue(schema: str) -> dict[str, list[tuple]]:
    listing = {}
    with connection.cursor() as cursor:
        for kind, query in CATALOGUE.items():
            cursor.execute(query, {"s": schema})
            listing[kind] = [
                tuple(str(v).replace(schema, "<schema>") if v is not None else None for v in row)
                for row in cursor.fetchall()
            ]
    return listing


@pytest.mark.parametrize("way", ["copied", "claimed"])
def test_a_new_county_has_the_catalogue_of_a_migrated_one(spare_pool, public_schema, way):
    """Both ways of making a county schema — a template copy, a spare from the pool — equal a migrated one."""
    spare_pool(1 if way == "claimed" else 0)
    spare = spares()
    with connection.cursor() as cursor:
        cursor.execute('CREATE SCHEMA "cmp_replayed"')
    with schema_context("cmp_replayed"):
        call_command("migrate_schemas", schema_name="cmp_replayed", interactive=False, verbosity=0)
    connection.set_schema_to_public()
    create_county_schema("cmp_new")
    assert spares() == ([] if way == "claimed" else spare)

    replayed, new = catalogue("cmp_replayed"), catalogue("cmp_new")
    assert replayed["columns"], "the replayed schema has tables"
    for kind in CATALOGUE:
        assert new[kind] == replayed[kind], kind
    # Rows of shared-only apps may or may not be recorded in a tenant schema; every tenant one must be.
    assert expected_migrations() <= applied_migrations("cmp_new")
    assert applied_migrations("cmp_new") == applied_migrations(settings.TENANT_BASE_SCHEMA)


def test_the_copy_carries_the_template_rows_and_advances_identities(public_schema):
    create_county_schema("cmp_rows")
    with connection.cursor() as cursor:
        template = settings.TENANT_BASE_SCHEMA
        cursor.execute(f'SELECT count(*) FROM "{template}".django_content_type')
        (types_in_template,) = cursor.fetchone()
        cursor.execute('SELECT count(*) FROM "cmp_rows".django_content_type')
        assert cursor.fetchone() == (types_in_template,)
        # The next identity continues after the copied rows instead of colliding with them.
        cursor.execute(
            """INSERT INTO "cmp_rows".django_content_type (app_label, model)
               VALUES ('x', 'y') RETURNING id"""
        )
        (new_id,) = cursor.fetchone()
        cursor.execute('SELECT max(id) FROM "cmp_rows".django_content_type WHERE app_label <> %s', ["x"])
        assert new_id > cursor.fetchone()[0]


def test_the_copy_happens_in_the_callers_transaction(public_schema):
    """A failure after the copy (here: a rolled-back savepoint) leaves no schema behind."""
    from django.db import transaction
    from django_tenants.utils import schema_exists

    try:
        with transaction.atomic():
            create_county_schema("cmp_undone")
            assert schema_exists("cmp_undone")
            raise RuntimeError("later step failed")
    except RuntimeError:
        pass
    assert not schema_exists("cmp_undone")
