"""Evidence is kept as filed: the database refuses UPDATE, DELETE and TRUNCATE of evidence rows.

The trigger function lives in the public schema so that every county's tables (copied from the template
schema) call the same function; 公示 notices use it too (disclosure 0002).
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION public.cunwu_keep_as_filed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW IS NOT DISTINCT FROM OLD THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '%: % refused (%)', TG_TABLE_NAME, TG_OP, TG_ARGV[0]
        USING ERRCODE = 'restrict_violation';
END
$$;
"""

TRIGGERS = """
CREATE TRIGGER evidence_file_immutable
    BEFORE UPDATE OR DELETE ON evidence_evidencefile
    FOR EACH ROW EXECUTE FUNCTION public.cunwu_keep_as_filed('evidence is kept as filed');
CREATE TRIGGER evidence_file_no_truncate
    BEFORE TRUNCATE ON evidence_evidencefile
    FOR EACH STATEMENT EXECUTE FUNCTION public.cunwu_keep_as_filed('evidence is kept as filed');
"""

DROP = """
DROP TRIGGER IF EXISTS evidence_file_immutable ON evidence_evidencefile;
DROP TRIGGER IF EXISTS evidence_file_no_truncate ON evidence_evidencefile;
"""


class Migration(migrations.Migration):
    dependencies = [("evidence", "0001_initial")]

    operations = [migrations.RunSQL(FUNCTION + TRIGGERS, DROP)]
