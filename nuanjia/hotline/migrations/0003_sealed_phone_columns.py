"""Sealed phone columns beside the clear one (core.sealed_phones); 0004 fills them."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("hotline", "0002_ticketevent_step_event"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="ticket", name="hotline_ticket_phone"),
        migrations.AddField(
            model_name="ticket",
            name="caller_phone_encrypted",
            field=models.CharField(blank=False, default="", max_length=100),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="ticket",
            name="caller_phone_index",
            field=models.CharField(blank=False, default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="ticket",
            name="caller_phone_last4_index",
            field=models.CharField(blank=False, default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="ticket",
            name="caller_phone_masked",
            field=models.CharField(blank=False, default="", max_length=20, verbose_name="phone"),
            preserve_default=False,
        ),
    ]
