"""Monthly partitions of the station visits on PostgreSQL (ADR 0023)."""

from django.db import migrations

from nuanjia.core.partitions_convert import partition_operation


class Migration(migrations.Migration):
    dependencies = [("stations", "0004_visit_client_hash")]

    operations = [partition_operation("stations_visit", "at")]
