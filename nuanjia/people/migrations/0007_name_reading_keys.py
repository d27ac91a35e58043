"""Give registered workers the name keys of their other pinyin readings (rules.reading_keys):
every reading of a polyphone and the given name alone, as new registrations get them."""

from django.db import migrations

CHUNK = 5000


def add_reading_keys(apps, schema_editor):
    from nuanjia.people import rules

    Worker = apps.get_model("people", "Worker")
    WorkerNameKey = apps.get_model("people", "WorkerNameKey")
    keys = []
    for pk, name in Worker.objects.values_list("pk", "name").iterator(chunk_size=CHUNK):
        keys += [
            WorkerNameKey(worker_id=pk, key=key)
            for key in rules.reading_keys(name)
        ]
        if len(keys) >= CHUNK:
            WorkerNameKey.objects.bulk_create(keys)
            keys = []
    WorkerNameKey.objects.bulk_create(keys)


class Migration(migrations.Migration):
    dependencies = [("people", "0006_import_reviews")]

    operations = [migrations.RunPython(add_reading_keys, migrations.RunPython.noop)]
