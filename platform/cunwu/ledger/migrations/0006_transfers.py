"""Postings stored as transfers: one row per transaction instead of a transaction and two entries.

A redemption wrote a transaction row, two entry rows and an audit row, each with its indexes, foreign
keys and (for entries) a statement trigger with a transition table; it now writes one row. What
changes in the database:

* ``ledger_transaction`` gains ``debit_id``, ``credit_id`` and a positive ``amount`` (double entry
  by construction), the chain columns moved from the entries (``sequence``, ``prev_hash``, ``hash``)
  and the request's ``ip_address`` and ``user_agent``: the transaction is the audit record of its own
  posting. Its accounts, ledger and actor are plain columns, not foreign-key constraints (see
  :mod:`cunwu.ledger.models` for why and what guards them instead); a reversal is unique among
  reversals only, so postings that reverse nothing add nothing to that index.
* ``ledger_entry`` becomes a view of each transaction's two sides, so statements and balances read
  as before.
* The append-only trigger allows the sealer's one-time setting of the chain columns and nothing else;
  accounts and ledgers can no longer be deleted.
* ``ledger_seal(ledger, async, audit_type)`` chains transactions — ``transaction_hash`` covers the
  accounts, the amount, the payload's fingerprint, the actor and the time — folds unguarded balances,
  and writes the audit trail's copy of every posting made by a person, in the same transaction: a
  sealed posting always has its audit row.

Existing postings are converted and re-sealed under the new formula, without new audit rows (they
were audited when posted). Checkpoints quote heads of the per-entry chain, which no longer exists,
so they are removed: this is pre-release data (demo counties only). Not reversible.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

DROP_ENTRY_MACHINERY = r"""
DROP TRIGGER ledger_transaction_append_only ON ledger_transaction;
DROP FUNCTION ledger_seal(bigint, boolean);
"""

CONVERT = r"""
UPDATE ledger_transaction t
   SET debit_id = d.account_id, credit_id = c.account_id, amount = c.amount
  FROM ledger_entry d, ledger_entry c
 WHERE d.transaction_id = t.id AND d.amount < 0 AND c.transaction_id = t.id AND c.amount > 0;
ALTER TABLE ledger_ledgercheckpoint DISABLE TRIGGER ledger_checkpoint_append_only;
DELETE FROM ledger_ledgercheckpoint;
ALTER TABLE ledger_ledgercheckpoint ENABLE TRIGGER ledger_checkpoint_append_only;
UPDATE ledger_account SET balance = 0 WHERE allow_negative;  -- folded again by the re-seal below
"""

TRANSFER_MACHINERY = r"""
DROP FUNCTION ledger_entry_guard();
DROP FUNCTION ledger_transaction_balanced();

CREATE VIEW ledger_entry AS
  SELECT t.id * 2 AS id, t.ledger_id, t.id AS transaction_id, t.debit_id AS account_id,
         -t.amount AS amount, t.sequence, t.hash
    FROM ledger_transaction t
  UNION ALL
  SELECT t.id * 2 + 1, t.ledger_id, t.id, t.credit_id, t.amount, t.sequence, t.hash
    FROM ledger_transaction t;

-- The sealer's one-time update passes; anything else reaches ledger_refuse_change. The columns are
-- compared one by one: cheap for the sealer, and a row comparison reads back differently after
-- pg_dump (tests/ledger/test_posting.py changes each column in turn, so a new one cannot be missed).
CREATE TRIGGER ledger_transaction_append_only BEFORE UPDATE ON ledger_transaction FOR EACH ROW
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
CREATE TRIGGER ledger_transaction_no_delete BEFORE DELETE ON ledger_transaction
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_account_no_delete BEFORE DELETE ON ledger_account
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_ledger_no_delete BEFORE DELETE ON ledger_ledger
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();

CREATE FUNCTION ledger_seal(p_ledger bigint, p_async boolean, p_audit_type integer)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  v_first bigint;
  v_seq bigint;
  v_hash text;
  v_prev text;
  v_ids bigint[] := '{}';
  v_prevs text[] := '{}';
  v_hashes text[] := '{}';
  r record;
BEGIN
  IF NOT pg_try_advisory_xact_lock(hashtextextended(current_schema() || '.ledger_seal.' || p_ledger, 0)) THEN
    RETURN -1;  -- another sealer is at work on this ledger
  END IF;
  IF p_async THEN
    PERFORM set_config('synchronous_commit', 'off', true);
  END IF;
  SELECT sequence, hash INTO v_seq, v_hash FROM ledger_transaction
   WHERE ledger_id = p_ledger AND sequence IS NOT NULL ORDER BY sequence DESC LIMIT 1;
  IF NOT FOUND THEN
    v_seq := 0;
    v_hash := repeat('0', 64);
  END IF;
  v_first := v_seq + 1;
  FOR r IN SELECT id, debit_id, credit_id, amount, fingerprint, actor_id, created_at FROM ledger_transaction
            WHERE ledger_id = p_ledger AND sequence IS NULL
            ORDER BY id
  LOOP
    v_seq := v_seq + 1;
    v_prev := v_hash;
    -- Mirrors cunwu.ledger.chain.transaction_hash.
    v_hash := encode(sha256(convert_to(concat_ws('|', v_prev, v_seq, r.id, r.debit_id, r.credit_id, r.amount,
                                                 r.fingerprint, coalesce(r.actor_id::text, ''),
                                                 (extract(epoch FROM r.created_at) * 1000000)::bigint),
                                       'UTF8')), 'hex');
    v_ids := array_append(v_ids, r.id);
    v_prevs := array_append(v_prevs, v_prev);
    v_hashes := array_append(v_hashes, v_hash);
  END LOOP;
  IF v_seq < v_first THEN
    RETURN 0;
  END IF;
  UPDATE ledger_transaction t SET sequence = v_first + u.n - 1, prev_hash = u.prev, hash = u.hash
    FROM unnest(v_ids, v_prevs, v_hashes) WITH ORDINALITY AS u(id, prev, hash, n)
   WHERE t.id = u.id;
  UPDATE ledger_account a SET balance = a.balance + s.total
    FROM (SELECT side.account_id, sum(side.amount) AS total
            FROM ledger_transaction t,
                 LATERAL (VALUES (t.debit_id, -t.amount), (t.credit_id, t.amount)) AS side(account_id, amount)
           WHERE t.ledger_id = p_ledger AND t.sequence BETWEEN v_first AND v_seq
           GROUP BY side.account_id) s
   WHERE a.id = s.account_id AND a.allow_negative;
  IF p_audit_type IS NOT NULL THEN
    -- The audit trail's copy of each posting made by a person (as cunwu.audit.services.record writes it).
    INSERT INTO audit_auditentry (actor_id, actor_name, action, target_type_id, target_id, target_repr,
                                  org_path, before, after, changed_fields, reason, ip_address, user_agent,
                                  created_at)
    SELECT t.actor_id, t.actor_name, 'ledger.transfer', p_audit_type, t.id::text,
           left('#' || t.id || ' ' || t.memo, 200), coalesce(o.path, ''), NULL,
           jsonb_build_object('debit_account', t.debit_id, 'credit_account', t.credit_id,
                              'amount', t.amount::text, 'memo', t.memo, 'reverses', t.reverses_id,
                              'idempotency_key', t.idempotency_key),
           ARRAY['amount', 'credit_account', 'debit_account', 'idempotency_key', 'memo', 'reverses']::varchar[],
           t.reason, t.ip_address, t.user_agent, t.created_at
      FROM ledger_transaction t
      JOIN ledger_ledger l ON l.id = t.ledger_id
      LEFT JOIN orgs_orgunit o ON o.id = l.org_unit_id
     WHERE t.ledger_id = p_ledger AND t.sequence BETWEEN v_first AND v_seq AND t.actor_id IS NOT NULL
     ORDER BY t.sequence;
  END IF;
  RETURN v_seq - v_first + 1;
END $$;
"""


def reseal(apps, schema_editor):
    """Chain every converted posting under the new formula (no audit rows: they were written then)."""
    Ledger = apps.get_model("ledger", "Ledger")
    with schema_editor.connection.cursor() as cursor:
        for ledger_id in Ledger.objects.values_list("pk", flat=True):
            cursor.execute("SELECT ledger_seal(%s, false, NULL)", [ledger_id])


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0005_only_indexes_queries_use"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("ledger", "0005_seal_without_arrays_scan"),
        ("orgs", "0002_importjob"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunSQL(DROP_ENTRY_MACHINERY),
        migrations.AddField(
            model_name="transaction",
            name="debit",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="debits",
                to="ledger.account",
            ),
        ),
        migrations.AddField(
            model_name="transaction",
            name="credit",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="credits",
                to="ledger.account",
            ),
        ),
        migrations.AddField(
            model_name="transaction",
            name="amount",
            field=models.DecimalField(decimal_places=2, max_digits=18, null=True, verbose_name="金额"),
        ),
        migrations.AddField(
            model_name="transaction",
            name="sequence",
            field=models.BigIntegerField(blank=True, null=True, verbose_name="序号"),
        ),
        migrations.AddField(
            model_name="transaction",
            name="prev_hash",
            field=models.CharField(blank=True, default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="transaction",
            name="hash",
            field=models.CharField(blank=True, default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="transaction",
            name="ip_address",
            field=models.GenericIPAddressField(blank=True, null=True, verbose_name="IP地址"),
        ),
        migrations.AddField(
            model_name="transaction",
            name="user_agent",
            field=models.CharField(blank=True, default="", max_length=300, verbose_name="客户端"),
            preserve_default=False,
        ),
        migrations.RunSQL(CONVERT),
        migrations.DeleteModel(name="Entry"),
        migrations.AlterField(
            model_name="transaction",
            name="debit",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="debits",
                to="ledger.account",
            ),
        ),
        migrations.AlterField(
            model_name="transaction",
            name="credit",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="credits",
                to="ledger.account",
            ),
        ),
        migrations.AlterField(
            model_name="transaction",
            name="amount",
            field=models.DecimalField(decimal_places=2, max_digits=18, verbose_name="金额"),
        ),
        migrations.AlterField(
            model_name="transaction",
            name="ledger",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="transactions",
                to="ledger.ledger",
            ),
        ),
        migrations.AlterField(
            model_name="transaction",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="transaction",
            name="reverses",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="reversals",
                to="ledger.transaction",
            ),
        ),
        migrations.RemoveIndex(model_name="transaction", name="ledger_txn_ledger_time"),
        migrations.AddConstraint(
            model_name="transaction",
            constraint=models.UniqueConstraint(
                fields=("ledger", "sequence"), name="ledger_transaction_sequence_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="transaction",
            constraint=models.UniqueConstraint(
                condition=models.Q(("reverses__isnull", False)),
                fields=("reverses",),
                name="ledger_transaction_reversed_once",
            ),
        ),
        migrations.AddConstraint(
            model_name="transaction",
            constraint=models.CheckConstraint(
                condition=models.Q(("amount__gt", 0)), name="ledger_transaction_amount_positive"
            ),
        ),
        migrations.AddConstraint(
            model_name="transaction",
            constraint=models.CheckConstraint(
                condition=models.Q(("debit", models.F("credit")), _negated=True),
                name="ledger_transaction_two_accounts",
            ),
        ),
        migrations.AddIndex(
            model_name="transaction",
            index=models.Index(fields=["debit", "id"], name="ledger_txn_debit"),
        ),
        migrations.AddIndex(
            model_name="transaction",
            index=models.Index(fields=["credit", "id"], name="ledger_txn_credit"),
        ),
        migrations.AddIndex(
            model_name="transaction",
            index=models.Index(
                condition=models.Q(("sequence__isnull", True)), fields=["ledger", "id"], name="ledger_txn_unsealed"
            ),
        ),
        migrations.CreateModel(
            name="Entry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("amount", models.DecimalField(decimal_places=2, max_digits=18, verbose_name="金额")),
                ("sequence", models.BigIntegerField(blank=True, null=True, verbose_name="序号")),
                ("hash", models.CharField(blank=True, max_length=64)),
                (
                    "account",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="entries",
                        to="ledger.account",
                    ),
                ),
                (
                    "ledger",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="entries",
                        to="ledger.ledger",
                    ),
                ),
                (
                    "transaction",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="entries",
                        to="ledger.transaction",
                    ),
                ),
            ],
            options={
                "verbose_name": "分录",
                "verbose_name_plural": "分录",
                "db_table": "ledger_entry",
                "ordering": ["ledger", "sequence", "id"],
                "managed": False,
            },
        ),
        migrations.RunSQL(TRANSFER_MACHINERY),
        migrations.RunPython(reseal),
    ]
