"""Sealed phone columns beside the clear one (core.sealed_phones); 0009 fills them."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0007_name_reading_keys"),
    ]

    operations = [
        migrations.AddField(
            model_name="worker",
            name="phone_encrypted",
            field=models.CharField(blank=True, max_length=100),
        ),
        migrations.AddField(
            model_name="worker",
            name="phone_index",
            field=models.CharField(blank=True, max_length=64, db_index=True),
        ),
        migrations.AddField(
            model_name="worker",
            name="phone_last4_index",
            field=models.CharField(blank=True, max_length=64, db_index=True),
        ),
        migrations.AddField(
            model_name="worker",
            name="phone_masked",
            field=models.CharField(blank=True, max_length=20, verbose_name="mobile phone"),
        ),
    ]
