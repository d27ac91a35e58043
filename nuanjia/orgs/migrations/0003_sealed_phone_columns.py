"""Sealed phone columns beside the clear one (core.sealed_phones); 0004 fills them."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0002_staff_must_change_password"),
    ]

    operations = [
        migrations.AddField(
            model_name="staff",
            name="phone_encrypted",
            field=models.CharField(blank=True, max_length=100),
        ),
        migrations.AddField(
            model_name="staff",
            name="phone_index",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name="staff",
            name="phone_last4_index",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name="staff",
            name="phone_masked",
            field=models.CharField(blank=True, max_length=20, verbose_name="mobile phone"),
        ),
    ]
