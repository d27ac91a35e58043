"""The province's default hardship policy.

This migration once also loaded the demo 低保 standards and minimum wages; they moved with
their tables to the standards app, whose 0002 loads them (the same rows, so a database made
before the move has them already).
"""

import datetime

from django.db import migrations

# Where the figures come from, in the words of a union officer (docs/domain.md "Hardship workers").
NOTE = "全国通行做法和送温暖活动规定的默认参数，各地可按本地政策修改"


def load(apps, schema_editor):
    HardshipPolicy = apps.get_model("hardship", "HardshipPolicy")
    HardshipPolicy.objects.get_or_create(region_code="410000", effective_on=datetime.date(2020, 1, 1), defaults={"note": NOTE})


def unload(apps, schema_editor):
    apps.get_model("hardship", "HardshipPolicy").objects.filter(region_code="410000", effective_on=datetime.date(2020, 1, 1)).delete()


class Migration(migrations.Migration):
    dependencies = [("hardship", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
