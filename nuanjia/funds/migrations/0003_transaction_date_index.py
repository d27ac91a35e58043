"""Newest-first lists of a big subtree read their first page off (posted_on, id)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("funds", "0002_seed_earmarks")]

    operations = [
        migrations.AddIndex(
            model_name="transaction",
            index=models.Index(fields=["posted_on", "id"], name="fund_tx_date_id"),
        ),
    ]
