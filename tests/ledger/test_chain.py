"""The fingerprint's fast canonical form is byte for byte the JSON dump it stands for."""

from __future__ import annotations

import hashlib
import itertools
import json
from decimal import Decimal

from cunwu.ledger import chain

TEXTS = [
    "",
    "兑换 商品1 ×1 (0123456789abcdef)",
    'quote " and backslash \\ and slash /',
    "control \x00 \x1f \n \t \r chars",
    "emoji 🧧 and \u2028 \u2029 separators",
    "冲正 #12:兑换 大米 ×2",
]


def reference(**payload) -> str:
    """The formula as first written: every fingerprint ever stored was made by it."""
    document = {
        "ledger": payload["ledger_id"],
        "debit": payload["debit_id"],
        "credit": payload["credit_id"],
        "amount": f"{payload['amount']:.2f}",
        "memo": payload["memo"],
        "reverses": payload["reverses_id"],
        "reason": payload["reason"],
        "link": payload["link"],
    }
    canonical = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def test_fingerprint_matches_the_json_dump():
    cases = itertools.product(
        TEXTS,
        TEXTS[:3],
        [None, 7, 10**15],
        [None, "cunwu_points.pointsevent:42", 'odd "link"'],
        [Decimal("0.01"), Decimal("12"), Decimal("9999999999999999.99")],
    )
    for memo, reason, reverses_id, link, amount in cases:
        payload = dict(
            ledger_id=3,
            debit_id=10**12,
            credit_id=1,
            amount=amount,
            memo=memo,
            reverses_id=reverses_id,
            reason=reason,
            link=link,
        )
        assert chain.fingerprint(**payload) == reference(**payload), payload
