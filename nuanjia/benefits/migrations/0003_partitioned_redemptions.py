"""Monthly partitions of redemptions on PostgreSQL; the foreign keys into them go (ADR 0023)."""

import django.db.models.deletion
from django.db import migrations, models

from nuanjia.core.partitions_convert import partition_operation


class Migration(migrations.Migration):
    dependencies = [
        ("benefits", "0002_budget_stripes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="attempt",
            name="redemption",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="benefits.redemption",
            ),
        ),
        migrations.AlterField(
            model_name="flag",
            name="redemption",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="flags",
                to="benefits.redemption",
            ),
        ),
        migrations.AlterField(
            model_name="reversal",
            name="redemption",
            field=models.OneToOneField(
                db_constraint=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="reversal",
                to="benefits.redemption",
            ),
        ),
        # Redemptions by month on PostgreSQL; its key becomes (id, at) and the one redemption
        # per coupon (coupon_id, at): a coupon is used once by the conditional UPDATE of its status.
        partition_operation("benefits_redemption", "at"),
    ]
