"""Seal the phones already stored (SQLite and PostgreSQL); 0005 drops the clear column."""

from django.db import migrations

from nuanjia.core.sealed_phones import seal_stored_phones


def seal(apps, schema_editor):
    model = apps.get_model("hotline", "ticket")
    seal_stored_phones(model, plain="caller_phone", prefix="caller_phone")
    rekey_duplicates(model)


def rekey_duplicates(model):
    """Duplicate keys were a plain hash of phone and text: key them on the blind index."""
    from nuanjia.hotline.rules import duplicate_key

    tickets = list(model.objects.only("pk", "caller_phone_index", "description"))
    for ticket in tickets:
        ticket.duplicate_key = duplicate_key(ticket.caller_phone_index, ticket.description)
    model.objects.bulk_update(tickets, ["duplicate_key"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [
        ("hotline", "0003_sealed_phone_columns"),
    ]

    operations = [migrations.RunPython(seal, migrations.RunPython.noop, elidable=False)]
