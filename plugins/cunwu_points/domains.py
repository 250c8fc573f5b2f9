"""Columns of the rows every redemption writes, checked by a PostgreSQL domain instead of a CHECK.

PostgreSQL parses each CHECK constraint of a table from its stored text whenever a statement writes
to the table (``ExecConstraints``), whichever columns the statement wrote: a redemption's stock update
paid for the item's three (price, stock, limit) and its insert for the quantity's — four of the seven
the redemption's statement parsed, 13% of the server's instructions with the ledger's (callgrind). A
domain's check is kept compiled in the type cache and runs only when a value is written to a column
of that type: the stock update checks the stock alone. Same rule, same refusal (``check_violation``),
same Python values; the domains are created in each county's schema by migration 0008.
"""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models

COUNT = "points_count"
PRICE = "points_price"
DOMAINS = {
    COUNT: "integer CHECK (VALUE >= 0)",
    PRICE: "numeric(8, 2) CHECK (VALUE > 0)",
}


class CountField(models.IntegerField):
    """A count of goods (stock, limit, quantity): never negative, checked by the ``points_count`` domain.

    An ``IntegerField`` that validates as a ``PositiveIntegerField`` does (forms, the API's serializers),
    not a subclass of one: Django gives every field of that internal type a table CHECK.
    """

    default_validators = [MinValueValidator(0)]

    def db_type(self, connection) -> str:
        return COUNT

    def formfield(self, **kwargs):
        return super().formfield(**{"min_value": 0, **kwargs})


class PriceField(models.DecimalField):
    """A price in points, at most 999,999.99 and more than zero: the ``points_price`` domain."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("max_digits", 8)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)

    def db_type(self, connection) -> str:
        return PRICE
