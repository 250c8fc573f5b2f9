"""``points_take_stock``: a redemption's conditional stock update as a statement of its own.

An UPDATE that waited for the row of a popular item re-checks it, and that re-check sets up every
sub-plan of the statement it is in (ledger migration 0007 explains the cost); inside the redemption's
one-statement posting it ran once per redemption while the next one waited. Called from that
statement, this function re-checks only its own UPDATE.

``points_take_stock(item, quantity)`` takes ``quantity`` from the stock of an active item (an item
without stock is unlimited) and says whether it could; when it cannot, it changes nothing.
"""

from django.db import migrations

CREATE = r"""
CREATE FUNCTION points_take_stock(p_item bigint, p_quantity integer)
RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  UPDATE cunwu_points_item SET stock = stock - p_quantity
   WHERE id = p_item AND active AND (stock IS NULL OR stock >= p_quantity);
  RETURN FOUND;
END $$;
"""

DROP = "DROP FUNCTION points_take_stock(bigint, integer);"


class Migration(migrations.Migration):
    dependencies = [("cunwu_points", "0004_redemption_references_without_constraints")]

    operations = [migrations.RunSQL(CREATE, DROP)]
