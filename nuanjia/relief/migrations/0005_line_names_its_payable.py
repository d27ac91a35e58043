"""A line names its payable by source type and id only: the link to the grant goes, and the
one-line-per-batch and one-paid-line rules hold per payable."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("relief", "0004_fill_payable_lines")]

    operations = [
        migrations.RemoveConstraint(model_name="paymentline", name="relief_line_once_per_batch"),
        migrations.RemoveConstraint(
            model_name="paymentline", name="relief_line_one_paid_per_grant"
        ),
        migrations.RemoveField(model_name="paymentline", name="grant"),
        migrations.AddIndex(
            model_name="paymentline",
            index=models.Index(fields=["source_type", "source_id"], name="relief_line_source"),
        ),
        migrations.AddConstraint(
            model_name="paymentline",
            constraint=models.UniqueConstraint(
                fields=("batch", "source_type", "source_id"), name="relief_line_once_per_batch"
            ),
        ),
        migrations.AddConstraint(
            model_name="paymentline",
            constraint=models.UniqueConstraint(
                condition=models.Q(("result", "paid")),
                fields=("source_type", "source_id"),
                name="relief_line_one_paid_per_source",
            ),
        ),
    ]
