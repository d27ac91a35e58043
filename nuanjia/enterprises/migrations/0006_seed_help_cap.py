"""Seed the cap of help for struggling firms: 20万元 a help, 50万元 a firm and year."""

import datetime

from django.db import migrations


def seed(apps, schema_editor):
    HelpCap = apps.get_model("enterprises", "HelpCap")
    HelpCap.objects.get_or_create(
        effective_on=datetime.date(2020, 1, 1),
        defaults={"max_grant_fen": 20_000_000, "max_firm_year_fen": 50_000_000},
    )


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0005_help")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
