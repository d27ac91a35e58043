"""Seal the phones already stored (SQLite and PostgreSQL); 0010 drops the clear column."""

from django.db import migrations

from nuanjia.core.sealed_phones import seal_stored_phones


def seal(apps, schema_editor):
    model = apps.get_model("people", "worker")
    seal_stored_phones(model, plain="phone", prefix="phone")


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0008_sealed_phone_columns"),
    ]

    operations = [migrations.RunPython(seal, migrations.RunPython.noop, elidable=False)]
