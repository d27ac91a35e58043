"""Seed the earmark of the regular help for model workers in difficulty (困难劳模帮扶资金):
the programme's own money, apart from the hardship categories' 困难职工帮扶资金."""

from django.db import migrations


def seed(apps, schema_editor):
    Earmark = apps.get_model("funds", "Earmark")
    Earmark.objects.get_or_create(
        code="model-worker-help", defaults={"name": "困难劳模帮扶资金", "sort_order": 95}
    )


class Migration(migrations.Migration):
    dependencies = [("modelworkers", "0001_initial"), ("funds", "0002_seed_earmarks")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
