"""Payment batches pay any registered payable: a batch names its payable kind and payee kind,
a line names its payable as the ledger does (source type and id) and keeps the payee and
account it was built with. The fields arrive empty; 0004 fills them for the grants' lines and
0005 then drops the line's link to the grant."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("relief", "0002_seed_types_and_caps")]

    operations = [
        migrations.AddField(
            model_name="paymentbatch",
            name="source_type",
            field=models.CharField(
                default="relief.grant", max_length=40, verbose_name="payable kind"
            ),
        ),
        migrations.AddField(
            model_name="paymentbatch",
            name="payee_kind",
            field=models.CharField(
                choices=[("person", "Person"), ("organisation", "Organisation")],
                default="person",
                max_length=12,
                verbose_name="payee kind",
            ),
        ),
        migrations.AddField(
            model_name="paymentline",
            name="source_type",
            field=models.CharField(default="", max_length=40, verbose_name="payable kind"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="paymentline",
            name="source_id",
            field=models.CharField(default="", max_length=40, verbose_name="payable"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="paymentline",
            name="payee_kind",
            field=models.CharField(
                choices=[("person", "Person"), ("organisation", "Organisation")],
                default="person",
                max_length=12,
                verbose_name="payee kind",
            ),
        ),
        migrations.AddField(
            model_name="paymentline",
            name="payee_name",
            field=models.CharField(default="", max_length=100, verbose_name="payee"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="paymentline",
            name="payee_account_encrypted",
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name="paymentline",
            name="payee_account_masked",
            field=models.CharField(blank=True, max_length=40, verbose_name="account"),
        ),
        migrations.AddField(
            model_name="paymentline",
            name="payee_bank",
            field=models.CharField(blank=True, max_length=100, verbose_name="bank"),
        ),
        migrations.AddField(
            model_name="paymentline",
            name="purpose",
            field=models.CharField(blank=True, max_length=100, verbose_name="purpose"),
        ),
        migrations.AlterField(
            model_name="paymentline",
            name="reference",
            field=models.CharField(max_length=40, unique=True, verbose_name="reference"),
        ),
    ]
