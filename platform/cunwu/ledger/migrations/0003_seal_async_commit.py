"""``ledger_seal(ledger, async)``: the sealer may commit without waiting for the disk.

Sealing right after every posting doubled the cost of a posting when the seal's commit waited for
its own WAL flush. A seal is derived data: one lost in a crash leaves its entries unsealed, and they
are sealed again by the next call; anything committed synchronously later (a posting, a checkpoint)
flushes the seal first, so a published checkpoint never refers to a lost seal. ``p_async`` is only
passed as true when the seal runs in its own transaction (``cunwu.ledger.services.seal``).
"""

from django.db import migrations

FORWARD = r"""
DROP FUNCTION ledger_seal(bigint);
CREATE FUNCTION ledger_seal(p_ledger bigint, p_async boolean) RETURNS integer LANGUAGE plpgsql AS $$
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
  IF p_async THEN
    PERFORM set_config('synchronous_commit', 'off', true);
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
DROP FUNCTION ledger_seal(bigint, boolean);
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


class Migration(migrations.Migration):
    dependencies = [("ledger", "0002_append_only_and_seal")]

    operations = [migrations.RunSQL(FORWARD, REVERSE)]
