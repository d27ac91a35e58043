"""Seed the earmarks (专项) of the campaign; more can be added on the earmarks page."""

from django.db import migrations

EARMARKS = [
    ("warmth", "送温暖资金"),
    ("hardship", "困难职工帮扶资金"),
    ("epidemic", "疫情防控专项经费"),
    ("health-check", "免费体检资金"),
    ("stations", "户外劳动者驿站建设"),
    ("breakfast", "环卫工人免费早餐"),
    ("mutual-aid", "互助保障金"),
    ("consumption", "消费帮扶"),
]


def seed(apps, schema_editor):
    Earmark = apps.get_model("funds", "Earmark")
    for order, (code, name) in enumerate(EARMARKS, start=1):
        Earmark.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order * 10})


class Migration(migrations.Migration):
    dependencies = [("funds", "0001_ledger")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
