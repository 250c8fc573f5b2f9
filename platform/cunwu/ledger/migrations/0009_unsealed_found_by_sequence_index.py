"""The sealer finds unsealed postings through the (ledger, sequence) index; the partial index goes.

A B-tree indexes NULLs, so ``ledger_id = … AND sequence IS NULL`` (``ledger_seal``'s scan and the
ledger page's pending count) is an index condition on ``ledger_transaction_sequence_unique``: the
partial ``ledger_txn_unsealed`` index said the same again, and every posting paid for an entry in it.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("ledger", "0008_guards_after_update")]

    operations = [migrations.RemoveIndex(model_name="transaction", name="ledger_txn_unsealed")]
