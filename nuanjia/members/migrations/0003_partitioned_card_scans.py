"""Monthly partitions of the card scans on PostgreSQL (ADR 0023)."""

from django.db import migrations

from nuanjia.core.partitions_convert import partition_operation


class Migration(migrations.Migration):
    dependencies = [("members", "0002_alter_partner_kind")]

    operations = [partition_operation("members_cardscan", "at")]
