"""Drop the clear phone column: from here on a phone exists only sealed."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0004_seal_stored_phones"),
    ]

    operations = [
        migrations.RemoveField(model_name="staff", name="phone"),
    ]
