"""Seed the earmark fee rebates are paid from (工会经费返还)."""

from django.db import migrations


def seed(apps, schema_editor):
    Earmark = apps.get_model("funds", "Earmark")
    Earmark.objects.get_or_create(
        code="fee-rebate", defaults={"name": "小微企业工会经费返还", "sort_order": 210}
    )


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0003_fees")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
