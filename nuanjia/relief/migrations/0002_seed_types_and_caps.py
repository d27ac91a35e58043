"""Seed the grant types of the campaign and the province's default caps (docs/domain.md "Caps and
approval levels"); regions set their own rows on top (a county's or city's row wins over the province's)."""

import datetime
from decimal import Decimal

from django.db import migrations

YUAN = 100
# (code, name, earmark code, only for filed families)
TYPES = [
    ("living", "生活救助", "hardship", True),
    ("medical", "医疗救助", "hardship", False),
    ("study", "助学(金秋助学)", "hardship", True),
    ("temporary", "临时救助", "hardship", False),
    ("advance", "先行救助", "hardship", False),
    ("warmth", "送温暖慰问金", "warmth", False),
    ("gradual-exit", "渐退期救助", "hardship", True),
    ("tiered", "梯度帮扶", "hardship", False),
    ("epidemic", "疫情专项救助", "epidemic", False),
]
APPROVAL_LIMIT = 5_000 * YUAN  # above it, an approver of a higher union (practice)
# (type, category, school stage, per occasion 元, per year 元, months of 低保, year scope, note)
CAPS = [
    ("living", "deep", "", None, None, Decimal("12"), "household", "深度困难 ≤ 12 个月低保/年"),
    ("living", "relative", "", None, None, Decimal("8"), "household", "相对困难 ≤ 8 个月低保/年"),
    ("living", "sudden", "", None, None, Decimal("12"), "household", "意外致困 ≤ 12 个月低保/年"),
    ("medical", "deep", "", None, 30_000, None, "household", "深度困难 ≤ 自付部分"),
    ("medical", "relative", "", None, 20_000, None, "household", "相对困难 ≤ 自付部分的 80%"),
    ("medical", "", "", None, 10_000, None, "household", ""),
    ("study", "", "university", 5_000, 5_000, None, "person", "金秋助学 大学"),
    ("study", "", "senior", 3_000, 3_000, None, "person", "金秋助学 高中"),
    ("study", "", "", 2_000, 2_000, None, "person", ""),
    ("temporary", "", "", 5_000, 10_000, None, "person", ""),
    ("advance", "", "", 5_000, 5_000, None, "person", "一事一议、先行救助：同一事由每年一次"),
    ("warmth", "", "", 3_000, 6_000, None, "person", "送温暖 ≤ 3000 元/次，≤ 6000 元/人/年"),
    ("tiered", "", "", 2_000, 4_000, None, "household", ""),
    ("epidemic", "", "", 3_000, 6_000, None, "person", ""),
]


def seed(apps, schema_editor):
    Earmark = apps.get_model("funds", "Earmark")
    GrantType = apps.get_model("relief", "GrantType")
    GrantCap = apps.get_model("relief", "GrantCap")
    types = {}
    for order, (code, name, earmark_code, needs_file) in enumerate(TYPES, start=1):
        types[code], _created = GrantType.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "default_earmark": Earmark.objects.filter(code=earmark_code).first(),
                "needs_hardship_file": needs_file,
                "sort_order": order * 10,
            },
        )
    start = datetime.date(2020, 1, 1)
    for code, category, stage, occasion, year, months, scope, note in CAPS:
        GrantCap.objects.get_or_create(
            grant_type=types[code],
            category=category,
            school_stage=stage,
            region_code="410000",
            effective_on=start,
            defaults={
                "per_occasion_fen": occasion * YUAN if occasion else None,
                "per_year_fen": year * YUAN if year else None,
                "dibao_months": months,
                "year_scope": scope,
                "approval_limit_fen": APPROVAL_LIMIT,
                "note": note,
            },
        )
    for code in ("medical", "temporary", "advance", "warmth", "tiered", "epidemic", "study", "living"):
        GrantCap.objects.get_or_create(
            grant_type=types[code],
            category="",
            school_stage="",
            region_code="410000",
            effective_on=start,
            defaults={"approval_limit_fen": APPROVAL_LIMIT},
        )


class Migration(migrations.Migration):
    dependencies = [("relief", "0001_grants"), ("funds", "0002_seed_earmarks")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
