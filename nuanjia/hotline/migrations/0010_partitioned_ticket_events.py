"""Monthly partitions of the tickets' events on PostgreSQL (ADR 0023)."""

from django.db import migrations

from nuanjia.core.partitions_convert import partition_operation


class Migration(migrations.Migration):
    dependencies = [("hotline", "0009_updated_at_index")]

    operations = [partition_operation("hotline_ticketevent", "at")]
