"""The hash chain's two formulas, shared by the sealer (SQL, migration 0006) and the verifier (Python).

Both sides must produce byte-identical input, so the canonical forms are plain ``|``-joined text:
amounts as fixed two-decimal strings (``10.00``), ids and times as integers.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from decimal import Decimal

GENESIS_HASH = "0" * 64
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
MICROSECOND = datetime.timedelta(microseconds=1)
# The JSON string escaping of the canonical dump (``ensure_ascii=False``).
_JSON_STRING = json.JSONEncoder(ensure_ascii=False).encode


def _json_value(value: str | int | None) -> str:
    if value is None:
        return "null"
    if isinstance(value, str):
        return _JSON_STRING(value)
    return str(int(value))


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
    """sha256 of a posting's canonical payload: equal payloads, equal fingerprints (idempotency).

    The payload is ``json.dumps({...}, ensure_ascii=False, sort_keys=True, separators=(",", ":"))`` of
    these eight keys, written out in that key order here: every posting and every verified row computes
    one, and the general encoder took several times as long (tests/ledger/test_chain.py holds the two
    byte for byte).
    """
    canonical = (
        f'{{"amount":"{amount:.2f}","credit":{_json_value(credit_id)},"debit":{_json_value(debit_id)},'
        f'"ledger":{_json_value(ledger_id)},"link":{_json_value(link)},"memo":{_JSON_STRING(memo)},'
        f'"reason":{_JSON_STRING(reason)},"reverses":{_json_value(reverses_id)}}}'
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def transaction_hash(
    prev_hash: str,
    sequence: int,
    transaction_id: int,
    debit_id: int,
    credit_id: int,
    amount: Decimal,
    fingerprint: str,
    actor_id: int | None,
    created_at: datetime.datetime,
) -> str:
    """The chain link; mirrors ``concat_ws('|', …)`` in the ``ledger_seal`` SQL function (migration 0006).

    Besides the payload (through its fingerprint) it covers who posted and when, to the microsecond:
    the transaction is the audit record of its own posting.
    """
    parts = (
        prev_hash,
        sequence,
        transaction_id,
        debit_id,
        credit_id,
        f"{amount:.2f}",
        fingerprint,
        "" if actor_id is None else actor_id,
        (created_at - EPOCH) // MICROSECOND,
    )
    return hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()
