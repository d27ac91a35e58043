"""Seed the national size classification (统计上大中小微型企业划分办法 2017, in force from
2017-12-28) and the earmark rent relief is paid from. Bounds in 万元 become fen here."""

import datetime

from django.db import migrations

WAN = 1_000_000  # fen in one 万元
IN_FORCE = datetime.date(2017, 12, 28)
# industry: {class: (employees, revenue 万元, assets 万元)}; None = not a measure there.
TABLE = {
    "farming": {"large": (None, 20000, None), "medium": (None, 500, None), "small": (None, 50, None)},
    "industry": {"large": (1000, 40000, None), "medium": (300, 2000, None), "small": (20, 300, None)},
    "construction": {"large": (None, 80000, 80000), "medium": (None, 6000, 5000), "small": (None, 300, 300)},
    "wholesale": {"large": (200, 40000, None), "medium": (20, 5000, None), "small": (5, 1000, None)},
    "retail": {"large": (300, 20000, None), "medium": (50, 500, None), "small": (10, 100, None)},
    "transport": {"large": (1000, 30000, None), "medium": (300, 3000, None), "small": (20, 200, None)},
    "warehousing": {"large": (200, 30000, None), "medium": (100, 1000, None), "small": (20, 100, None)},
    "postal": {"large": (1000, 30000, None), "medium": (300, 2000, None), "small": (20, 100, None)},
    "lodging": {"large": (300, 10000, None), "medium": (100, 2000, None), "small": (10, 100, None)},
    "catering": {"large": (300, 10000, None), "medium": (100, 2000, None), "small": (10, 100, None)},
    "telecom": {"large": (2000, 100000, None), "medium": (100, 1000, None), "small": (10, 100, None)},
    "software": {"large": (300, 10000, None), "medium": (100, 1000, None), "small": (10, 50, None)},
    "real_estate": {"large": (None, 200000, 10000), "medium": (None, 1000, 5000), "small": (None, 100, 2000)},
    "property_mgmt": {"large": (1000, 5000, None), "medium": (300, 1000, None), "small": (100, 500, None)},
    "leasing": {"large": (300, None, 120000), "medium": (100, None, 8000), "small": (10, None, 100)},
    "other": {"large": (300, None, None), "medium": (100, None, None), "small": (10, None, None)},
}  # fmt: skip


def _fen(wan):
    return None if wan is None else wan * WAN


def seed(apps, schema_editor):
    SizeThreshold = apps.get_model("enterprises", "SizeThreshold")
    SizeThreshold.objects.bulk_create((
        SizeThreshold(
            industry=industry, size_class=size, effective_on=IN_FORCE, min_employees=employees,
            min_revenue_fen=_fen(revenue), min_assets_fen=_fen(assets),
        )
        for industry, classes in TABLE.items()
        for size, (employees, revenue, assets) in classes.items()
    ), ignore_conflicts=True)  # fmt: skip
    Earmark = apps.get_model("funds", "Earmark")
    Earmark.objects.get_or_create(
        code="rent-relief", defaults={"name": "小微企业房租减免", "sort_order": 200}
    )


def unseed(apps, schema_editor):
    apps.get_model("enterprises", "SizeThreshold").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0001_initial"), ("funds", "0002_seed_earmarks")]
    operations = [migrations.RunPython(seed, unseed)]
