"""Drop the clear phone column: from here on a phone exists only sealed."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("hotline", "0004_seal_stored_phones"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                fields=["caller_phone_index", "received_at"], name="hotline_ticket_phone_index"
            ),
        ),
        migrations.RemoveField(model_name="ticket", name="caller_phone"),
    ]
