"""``ledger_move``: a posting's guarded balance updates, each its own statement inside a function.

An UPDATE that finds its row changed by a transaction that committed while it waited for the lock
re-checks the row (PostgreSQL's EvalPlanQual), and that re-check sets up *every* sub-plan of the
statement it belongs to. Inside the one-statement posting (a dozen CTEs, three of them inserts with
their indexes) that cost ~240 µs per posting on an account many postings share (a passbook at the
counter), while holding the rows the others wait for. Run from a PL/pgSQL function, each UPDATE is a
statement of its own (planned once per connection), so a re-check sets up only that UPDATE.

``ledger_move(debit, credit, amount, debit_guarded, credit_guarded)`` updates the balances of the
guarded sides (unguarded ones are folded by ``ledger_seal``): it locks both in id order when both are
guarded (so A→B and B→A cannot deadlock), refuses — changing nothing — when a guarded debit would
overdraw, and returns whether it moved the amount.
"""

from django.db import migrations

CREATE = r"""
CREATE FUNCTION ledger_move(p_debit bigint, p_credit bigint, p_amount numeric,
                            p_debit_guarded boolean, p_credit_guarded boolean)
RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  IF p_debit_guarded AND p_credit_guarded THEN
    PERFORM 1 FROM ledger_account WHERE id IN (p_debit, p_credit) ORDER BY id FOR UPDATE;
  END IF;
  IF p_debit_guarded THEN
    UPDATE ledger_account SET balance = balance - p_amount
     WHERE id = p_debit AND (allow_negative OR balance >= p_amount);
    IF NOT FOUND THEN
      RETURN false;
    END IF;
  END IF;
  IF p_credit_guarded THEN
    UPDATE ledger_account SET balance = balance + p_amount WHERE id = p_credit;
  END IF;
  RETURN true;
END $$;
"""

DROP = "DROP FUNCTION ledger_move(bigint, bigint, numeric, boolean, boolean);"


class Migration(migrations.Migration):
    dependencies = [("ledger", "0006_transfers")]

    operations = [migrations.RunSQL(CREATE, DROP)]
