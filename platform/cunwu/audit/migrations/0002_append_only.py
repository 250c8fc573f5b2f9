"""Make the audit trail append-only in the database itself.

A trigger refuses UPDATE, DELETE and TRUNCATE on ``audit_auditentry``. The only way to delete is the
function ``audit_purge(retention_days)``: it refuses a retention below 180 days (网络安全法 第二十一条)
and marks, for its own transaction only, the cut-off before which the trigger lets rows go. Even a
hand-set marker cannot remove a row younger than 180 days: the trigger checks the cut-off too.
Functions and triggers live in the county's schema; django-tenants' schema clone copies them.
"""

from django.db import migrations

FORWARD = r"""
CREATE OR REPLACE FUNCTION audit_entry_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    cutoff timestamptz;
BEGIN
    IF TG_OP = 'DELETE' AND TG_LEVEL = 'ROW' THEN
        cutoff := nullif(current_setting('cunwu.audit_purge_before', true), '')::timestamptz;
        IF cutoff IS NOT NULL AND cutoff <= now() - interval '180 days' AND OLD.created_at < cutoff THEN
            RETURN OLD;
        END IF;
    END IF;
    RAISE EXCEPTION 'audit entries are append-only: % refused', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END
$$;

CREATE TRIGGER audit_entry_append_only
    BEFORE UPDATE OR DELETE ON audit_auditentry
    FOR EACH ROW EXECUTE FUNCTION audit_entry_guard();

CREATE TRIGGER audit_entry_no_truncate
    BEFORE TRUNCATE ON audit_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_guard();

CREATE OR REPLACE FUNCTION audit_purge(retention_days integer) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    cutoff timestamptz;
    purged integer;
BEGIN
    IF retention_days IS NULL OR retention_days < 180 THEN
        RAISE EXCEPTION 'audit retention must be at least 180 days, got %', retention_days
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    cutoff := now() - make_interval(days => retention_days);
    PERFORM set_config('cunwu.audit_purge_before', cutoff::text, true);
    DELETE FROM audit_auditentry WHERE created_at < cutoff;
    GET DIAGNOSTICS purged = ROW_COUNT;
    PERFORM set_config('cunwu.audit_purge_before', '', true);
    RETURN purged;
END
$$;
"""

BACKWARD = r"""
DROP FUNCTION IF EXISTS audit_purge(integer);
DROP TRIGGER IF EXISTS audit_entry_no_truncate ON audit_auditentry;
DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_auditentry;
DROP FUNCTION IF EXISTS audit_entry_guard();
"""


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
