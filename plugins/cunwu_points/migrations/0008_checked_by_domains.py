"""The item's price, stock and limit and the redemption's quantity are checked by domains (domains.py).

The domains are created in the county's schema first; each column then changes type (its values
stay) and loses its table CHECK — the same rule, now kept compiled by PostgreSQL instead of parsed
by every statement that writes the row.
"""

from django.db import migrations

import cunwu_points.domains

CREATE = """
CREATE DOMAIN points_count AS integer CHECK (VALUE >= 0);
CREATE DOMAIN points_price AS numeric(8, 2) CHECK (VALUE > 0);
"""
DROP = "DROP DOMAIN points_count; DROP DOMAIN points_price;"


class Migration(migrations.Migration):

    dependencies = [
        ('cunwu_points', '0007_reversal_references_without_constraints'),
    ]

    operations = [
        migrations.RunSQL(CREATE, DROP),
        migrations.RemoveConstraint(
            model_name='item',
            name='points_item_price_positive',
        ),
        migrations.AlterField(
            model_name='item',
            name='limit_per_person',
            field=cunwu_points.domains.CountField(blank=True, null=True, verbose_name='每人限兑'),
        ),
        migrations.AlterField(
            model_name='item',
            name='price',
            field=cunwu_points.domains.PriceField(decimal_places=2, max_digits=8, verbose_name='所需积分'),
        ),
        migrations.AlterField(
            model_name='item',
            name='stock',
            field=cunwu_points.domains.CountField(blank=True, null=True, verbose_name='库存'),
        ),
        migrations.AlterField(
            model_name='redemption',
            name='quantity',
            field=cunwu_points.domains.CountField(default=1, verbose_name='数量'),
        ),
    ]
