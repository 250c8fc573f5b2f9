"""The database itself refuses to change or delete a posted notice (a correction supersedes it).

The trigger function (evidence 0002) refuses UPDATE that changes a row, DELETE and TRUNCATE.
"""

from django.db import migrations

TRIGGERS = """
CREATE TRIGGER disclosure_notice_immutable
    BEFORE UPDATE OR DELETE ON disclosure_notice
    FOR EACH ROW EXECUTE FUNCTION public.cunwu_keep_as_filed('a posted notice cannot change; supersede it');
CREATE TRIGGER disclosure_notice_no_truncate
    BEFORE TRUNCATE ON disclosure_notice
    FOR EACH STATEMENT EXECUTE FUNCTION public.cunwu_keep_as_filed('a posted notice cannot change; supersede it');
"""

DROP = """
DROP TRIGGER IF EXISTS disclosure_notice_immutable ON disclosure_notice;
DROP TRIGGER IF EXISTS disclosure_notice_no_truncate ON disclosure_notice;
"""


class Migration(migrations.Migration):
    # public.cunwu_keep_as_filed() is created by the evidence migration.
    dependencies = [("disclosure", "0001_initial"), ("evidence", "0002_evidence_immutable")]

    operations = [migrations.RunSQL(TRIGGERS, DROP)]
