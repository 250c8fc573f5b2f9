"""``ledger_seal`` finds the postings it seals through their indexes, whatever the statistics say.

The seal's statements each touch the few rows it seals, found through an index: the chain's
``UPDATE … FROM unnest(ids, …)`` by primary key, the fold and the audit copy by (ledger, sequence).
PL/pgSQL plans a statement once per connection, and a plan made while ``ledger_transaction`` was
small (a new county, before autovacuum's next ANALYZE) joined the array to a **sequential scan** of
the table — by hash, or with hash joins off by a nested loop over the scan's materialised rows —
kept by that connection for as long as the statistics stood still, while the table grew by every
posting: under the points bench one seal in three scanned the whole table, up to 100 ms a seal. No
plan other than nested loops over the indexes is ever right for a seal, so the function runs with
sequential scans, hash and merge joins and materialisation off (PostgreSQL restores them when it
returns): each statement is planned as index look-ups whatever the statistics say.
"""

from django.db import migrations

PIN = (
    "ALTER FUNCTION ledger_seal(bigint, boolean, integer) SET enable_seqscan = off SET enable_hashjoin = off"
    " SET enable_mergejoin = off SET enable_material = off"
)
UNPIN = "ALTER FUNCTION ledger_seal(bigint, boolean, integer) RESET ALL"


class Migration(migrations.Migration):
    dependencies = [("ledger", "0010_references_without_constraints")]

    operations = [migrations.RunSQL(PIN, UNPIN)]
