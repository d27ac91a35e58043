"""Entries gain their posting time, the partition key of monthly partitions (ADR 0023)."""

import django.db.models.functions.datetime
from django.db import migrations, models

from nuanjia.core.partitions_convert import partition_operation


class Migration(migrations.Migration):
    dependencies = [
        ("funds", "0003_transaction_date_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="entry",
            name="created_at",
            field=models.DateTimeField(
                db_default=django.db.models.functions.datetime.Now(),
                editable=False,
                verbose_name="posted at",
            ),
        ),
        # The entries written before the column take their transaction's time (the same SQL on
        # both databases), then the table is partitioned by it on PostgreSQL (ADR 0023).
        migrations.RunSQL(
            "UPDATE funds_entry SET created_at = (SELECT t.created_at FROM funds_transaction t "
            "WHERE t.id = funds_entry.transaction_id)",
            migrations.RunSQL.noop,
        ),
        partition_operation("funds_entry", "created_at"),
    ]
