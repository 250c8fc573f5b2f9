"""Database-side guarantees of the ledger: append-only triggers, double-entry check, and the sealer.

* ``ledger_entry``: UPDATE is refused except the sealer's one-time setting of ``sequence``,
  ``prev_hash`` and ``hash`` on an unsealed entry; DELETE and TRUNCATE are refused.
* ``ledger_transaction`` and ``ledger_ledgercheckpoint``: UPDATE, DELETE and TRUNCATE are refused.
* ``ledger_account``: ``allow_negative`` and ``ledger_id`` never change (the cached-balance rules
  depend on them).
* Double entry: the entries of a transaction are inserted by one statement, and a statement whose
  entries do not sum to zero per transaction is refused.
* ``ledger_seal(ledger_id)`` seals committed, unsealed entries in id order into the ledger's chain and
  folds them into the cached balances of unguarded accounts. One sealer per ledger at a time (an
  advisory lock it only *tries*: a posting never waits for it); the hash formula mirrors
  ``cunwu.ledger.chain.entry_hash``.
"""

from django.db import migrations

FORWARD = r"""
CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% on % refused: ledger records are append-only', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE FUNCTION ledger_entry_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.sequence IS NULL AND NEW.sequence IS NOT NULL
     AND NEW.hash <> '' AND NEW.prev_hash <> ''
     AND (NEW.id, NEW.ledger_id, NEW.transaction_id, NEW.account_id, NEW.amount)
         IS NOT DISTINCT FROM (OLD.id, OLD.ledger_id, OLD.transaction_id, OLD.account_id, OLD.amount) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION '% on ledger_entry refused: entries are append-only', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE FUNCTION ledger_account_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.allow_negative IS DISTINCT FROM OLD.allow_negative OR NEW.ledger_id IS DISTINCT FROM OLD.ledger_id THEN
    RAISE EXCEPTION 'ledger_account.allow_negative and ledger_id never change'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$;

CREATE FUNCTION ledger_transaction_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  v_txn bigint;
BEGIN
  SELECT transaction_id INTO v_txn FROM inserted GROUP BY transaction_id HAVING sum(amount) <> 0 LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'ledger transaction % does not balance', v_txn USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER ledger_entry_append_only BEFORE UPDATE OR DELETE ON ledger_entry
  FOR EACH ROW EXECUTE FUNCTION ledger_entry_guard();
CREATE TRIGGER ledger_entry_no_truncate BEFORE TRUNCATE ON ledger_entry
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_entry_balanced AFTER INSERT ON ledger_entry
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION ledger_transaction_balanced();

CREATE TRIGGER ledger_transaction_append_only BEFORE UPDATE OR DELETE ON ledger_transaction
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_transaction_no_truncate BEFORE TRUNCATE ON ledger_transaction
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();

CREATE TRIGGER ledger_checkpoint_append_only BEFORE UPDATE OR DELETE ON ledger_ledgercheckpoint
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_checkpoint_no_truncate BEFORE TRUNCATE ON ledger_ledgercheckpoint
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();

CREATE TRIGGER ledger_account_fixed BEFORE UPDATE OF allow_negative, ledger_id ON ledger_account
  FOR EACH ROW EXECUTE FUNCTION ledger_account_guard();

CREATE FUNCTION ledger_seal(p_ledger bigint) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  v_seq bigint;
  v_hash text;
  v_prev text;
  v_ids bigint[] := '{}';
  r record;
BEGIN
  IF NOT pg_try_advisory_xact_lock(hashtextextended(current_schema() || '.ledger_seal.' || p_ledger, 0)) THEN
    RETURN -1;  -- another sealer is at work on this ledger
  END IF;
  SELECT sequence, hash INTO v_seq, v_hash FROM ledger_entry
   WHERE ledger_id = p_ledger AND sequence IS NOT NULL ORDER BY sequence DESC LIMIT 1;
  IF NOT FOUND THEN
    v_seq := 0;
    v_hash := repeat('0', 64);
  END IF;
  FOR r IN SELECT e.id, e.transaction_id, e.account_id, e.amount, t.fingerprint
             FROM ledger_entry e JOIN ledger_transaction t ON t.id = e.transaction_id
            WHERE e.ledger_id = p_ledger AND e.sequence IS NULL
            ORDER BY e.id
  LOOP
    v_seq := v_seq + 1;
    v_prev := v_hash;
    v_hash := encode(sha256(convert_to(concat_ws('|', v_prev, v_seq, r.id, r.transaction_id, r.account_id,
                                                 r.amount, r.fingerprint), 'UTF8')), 'hex');
    UPDATE ledger_entry SET sequence = v_seq, prev_hash = v_prev, hash = v_hash WHERE id = r.id;
    v_ids := v_ids || r.id;
  END LOOP;
  IF cardinality(v_ids) > 0 THEN
    UPDATE ledger_account a SET balance = a.balance + s.total
      FROM (SELECT account_id, sum(amount) AS total FROM ledger_entry
             WHERE id = ANY(v_ids) GROUP BY account_id) s
     WHERE a.id = s.account_id AND a.allow_negative;
  END IF;
  RETURN cardinality(v_ids);
END $$;
"""

REVERSE = r"""
DROP FUNCTION ledger_seal(bigint);
DROP TRIGGER ledger_account_fixed ON ledger_account;
DROP TRIGGER ledger_checkpoint_no_truncate ON ledger_ledgercheckpoint;
DROP TRIGGER ledger_checkpoint_append_only ON ledger_ledgercheckpoint;
DROP TRIGGER ledger_transaction_no_truncate ON ledger_transaction;
DROP TRIGGER ledger_transaction_append_only ON ledger_transaction;
DROP TRIGGER ledger_entry_balanced ON ledger_entry;
DROP TRIGGER ledger_entry_no_truncate ON ledger_entry;
DROP TRIGGER ledger_entry_append_only ON ledger_entry;
DROP FUNCTION ledger_transaction_balanced();
DROP FUNCTION ledger_account_guard();
DROP FUNCTION ledger_entry_guard();
DROP FUNCTION ledger_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, REVERSE)]
