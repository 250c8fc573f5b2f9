"""``ledger_seal`` joins the postings it seals by their primary key, whatever the statistics say.

The seal's statements each touch the few rows it seals, found through an index: the chain's
``UPDATE … FROM unnest(ids, …)`` by primary key, the fold and the audit copy by (ledger, sequence).
PL/pgSQL plans a statement once per connection, and a plan made while ``ledger_transaction`` was
small (a new county, before autovacuum's first ANALYZE) joined the array to a **sequential scan** of
the table by hash — kept by that connection for as long as the statistics stood still, while the
table grew by every posting: the points bench saw it in one seal of three, a scan of the whole table
each time. No plan other than nested loops over the indexes is ever right for a seal, so the function
runs with hash and merge joins off (PostgreSQL restores both when it returns).
"""

from django.db import migrations

PIN = "ALTER FUNCTION ledger_seal(bigint, boolean, integer) SET enable_hashjoin = off SET enable_mergejoin = off"
UNPIN = "ALTER FUNCTION ledger_seal(bigint, boolean, integer) RESET ALL"


class Migration(migrations.Migration):
    dependencies = [("ledger", "0010_references_without_constraints")]

    operations = [migrations.RunSQL(PIN, UNPIN)]
