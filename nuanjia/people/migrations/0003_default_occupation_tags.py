"""The default occupation tags of issue 3 (a configurable list: edit them in the admin)."""

from django.db import migrations

DEFAULT_TAGS = [
    "环卫工人", "快递员", "外卖配送员", "网约车司机", "货车司机", "农民工",
    "建筑工人", "劳模", "技术工人", "抗疫一线", "新就业形态", "户外劳动者",
]


def add_tags(apps, schema_editor):
    OccupationTag = apps.get_model("people", "OccupationTag")
    for order, name in enumerate(DEFAULT_TAGS, start=1):
        OccupationTag.objects.get_or_create(name=name, defaults={"sort_order": order})


def remove_tags(apps, schema_editor):
    OccupationTag = apps.get_model("people", "OccupationTag")
    OccupationTag.objects.filter(name__in=DEFAULT_TAGS, workers__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("people", "0002_registry_search_and_merge")]

    operations = [migrations.RunPython(add_tags, remove_tags)]
