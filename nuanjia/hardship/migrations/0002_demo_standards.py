"""The province's default hardship policy.

This migration once also loaded the demo 低保 standards and minimum wages; they moved with
their tables to the standards app, whose 0002 loads them (the same rows, so a database made
before the move has them already).
"""

import datetime

from django.db import migrations


def load(apps, schema_editor):
    HardshipPolicy = apps.get_model("hardship", "HardshipPolicy")
    HardshipPolicy.objects.get_or_create(region_code="410000", effective_on=datetime.date(2020, 1, 1), defaults={"note": "DOMAIN.md 默认值"})


def unload(apps, schema_editor):
    apps.get_model("hardship", "HardshipPolicy").objects.filter(region_code="410000", effective_on=datetime.date(2020, 1, 1)).delete()


class Migration(migrations.Migration):
    dependencies = [("hardship", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
