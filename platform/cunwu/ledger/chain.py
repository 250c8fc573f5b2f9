"""The hash chain's two formulas, shared by the sealer (SQL, migration 0002) and the verifier (Python).

Both sides must produce byte-identical input, so the canonical forms are plain ``|``-joined text:
amounts as fixed two-decimal strings (``-10.00``), ids as integers.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal

GENESIS_HASH = "0" * 64


def fingerprint(
    *,
    ledger_id: int,
    debit_id: int,
    credit_id: int,
    amount: Decimal,
    memo: str,
    reverses_id: int | None,
    reason: str,
    link: str | None,
) -> str:
    """sha256 of a posting's canonical payload: equal payloads, equal fingerprints (idempotency)."""
    payload = {
        "ledger": ledger_id,
        "debit": debit_id,
        "credit": credit_id,
        "amount": f"{amount:.2f}",
        "memo": memo,
        "reverses": reverses_id,
        "reason": reason,
        "link": link,
    }
    canonical = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def entry_hash(
    prev_hash: str,
    sequence: int,
    entry_id: int,
    transaction_id: int,
    account_id: int,
    amount: Decimal,
    transaction_fingerprint: str,
) -> str:
    """The chain link; mirrors ``concat_ws('|', …)`` in the ``ledger_seal`` SQL function."""
    parts = (
        prev_hash,
        sequence,
        entry_id,
        transaction_id,
        account_id,
        f"{amount:.2f}",
        transaction_fingerprint,
    )
    return hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()
