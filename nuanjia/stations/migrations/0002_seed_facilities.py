"""The default facility checklist (饮水, 热饭, 休息座位数 …); more can be added in the admin."""

from django.db import migrations

DEFAULT_FACILITIES = (
    ("water", "饮水", False),
    ("microwave", "热饭", False),
    ("seats", "休息座位数", True),
    ("toilet", "如厕", False),
    ("charging", "充电", False),
    ("first_aid", "药箱", False),
    ("climate", "冷暖", False),
    ("reading", "阅读角", False),
    ("wifi", "Wi-Fi", False),
)


def seed(apps, schema_editor):
    Facility = apps.get_model("stations", "Facility")
    for index, (code, name, has_quantity) in enumerate(DEFAULT_FACILITIES):
        Facility.objects.get_or_create(
            code=code,
            defaults={"name": name, "bit": index, "has_quantity": has_quantity, "sort_order": index},
        )


class Migration(migrations.Migration):
    dependencies = [("stations", "0001_stations")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
