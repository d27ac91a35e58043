"""Seed the earmark the training subsidies are paid from (职工技能培训补贴)."""

from django.db import migrations


def seed(apps, schema_editor):
    Earmark = apps.get_model("funds", "Earmark")
    Earmark.objects.get_or_create(
        code="skills-training", defaults={"name": "职工技能培训补贴", "sort_order": 90}
    )


class Migration(migrations.Migration):
    dependencies = [("skills", "0001_initial"), ("funds", "0002_seed_earmarks")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
