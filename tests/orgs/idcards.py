"""Valid test ID-card numbers (GB 11643 checksum computed here, independently of the code under test)."""

from __future__ import annotations

from datetime import date, timedelta

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def id_card(serial: int, region: str = "440607") -> str:
    """A distinct valid number for every ``serial`` below 20 million."""
    born = date(1950, 1, 1) + timedelta(days=serial // 1000)
    first17 = f"{region}{born:%Y%m%d}{serial % 1000:03d}"
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]
