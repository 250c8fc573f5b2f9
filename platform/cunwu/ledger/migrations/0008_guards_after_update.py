"""The update guards of transactions and accounts fire AFTER the row is updated, not before.

A BEFORE UPDATE row trigger makes PostgreSQL fetch and lock the old row for it (a WAL record and a
tuple lock) before it even looks at the trigger's columns or WHEN clause, on every update of the
table: every balance update of an account (inside the window in which a passbook is locked at the
counter) and every transaction the sealer chains. An AFTER trigger's WHEN clause is checked as the
row is updated and queues nothing when it is false, so an allowed update costs nothing more; a
forbidden one raises as before and rolls the statement back.
"""

from django.db import migrations

# The sealer's one-time setting of the chain columns passes; anything else is refused (see 0006).
TRANSACTION_WHEN = """
  WHEN (NOT (OLD.sequence IS NULL AND NEW.sequence IS NOT NULL AND NEW.hash <> '' AND NEW.prev_hash <> ''
             AND NOT (NEW.id IS DISTINCT FROM OLD.id OR NEW.ledger_id IS DISTINCT FROM OLD.ledger_id
                      OR NEW.debit_id IS DISTINCT FROM OLD.debit_id OR NEW.credit_id IS DISTINCT FROM OLD.credit_id
                      OR NEW.amount IS DISTINCT FROM OLD.amount OR NEW.memo IS DISTINCT FROM OLD.memo
                      OR NEW.actor_id IS DISTINCT FROM OLD.actor_id
                      OR NEW.actor_name IS DISTINCT FROM OLD.actor_name
                      OR NEW.created_at IS DISTINCT FROM OLD.created_at
                      OR NEW.ip_address IS DISTINCT FROM OLD.ip_address
                      OR NEW.user_agent IS DISTINCT FROM OLD.user_agent
                      OR NEW.idempotency_scope IS DISTINCT FROM OLD.idempotency_scope
                      OR NEW.idempotency_key IS DISTINCT FROM OLD.idempotency_key
                      OR NEW.fingerprint IS DISTINCT FROM OLD.fingerprint
                      OR NEW.reverses_id IS DISTINCT FROM OLD.reverses_id
                      OR NEW.reason IS DISTINCT FROM OLD.reason
                      OR NEW.link_type_id IS DISTINCT FROM OLD.link_type_id
                      OR NEW.link_id IS DISTINCT FROM OLD.link_id)))
  EXECUTE FUNCTION ledger_refuse_change();
"""

ACCOUNT_WHEN = """
  WHEN (NEW.allow_negative IS DISTINCT FROM OLD.allow_negative OR NEW.ledger_id IS DISTINCT FROM OLD.ledger_id)
  EXECUTE FUNCTION ledger_account_guard();
"""


def _guards(when: str) -> str:
    return f"""
DROP TRIGGER ledger_transaction_append_only ON ledger_transaction;
CREATE TRIGGER ledger_transaction_append_only {when} UPDATE ON ledger_transaction FOR EACH ROW
{TRANSACTION_WHEN}
DROP TRIGGER ledger_account_fixed ON ledger_account;
CREATE TRIGGER ledger_account_fixed {when} UPDATE OF allow_negative, ledger_id ON ledger_account FOR EACH ROW
{ACCOUNT_WHEN}
"""


class Migration(migrations.Migration):
    dependencies = [("ledger", "0007_move_function")]

    operations = [migrations.RunSQL(_guards("AFTER"), _guards("BEFORE"))]
