"""Monthly partitions of the audit events on PostgreSQL; (chain, seq) becomes (chain, seq, at) (ADR 0023)."""

from django.db import migrations

from nuanjia.core.partitions_convert import partition_operation


class Migration(migrations.Migration):
    dependencies = [("core", "0007_audit_org_path_id")]

    operations = [partition_operation("core_auditevent", "at")]
