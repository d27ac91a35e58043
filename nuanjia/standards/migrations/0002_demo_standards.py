"""Demo 低保 standards and minimum wages for Henan's 18 city-level regions.

The amounts are DEMO VALUES: plausible 2024 urban figures, not copied from any official
document. Each row says so in its note; the city unions replace them with their own figures
on the standards page (or add newer rows, which win from their effective date).

Databases made before the standards app got these rows from hardship 0002 (same rows, same
tables): `load` finds them there and adds nothing.
"""

import datetime

from django.db import migrations

DEMO_NOTE = "演示数据，请按当地文件核对"
EFFECTIVE_ON = datetime.date(2024, 1, 1)
# region code: (urban 低保 元/person/month, minimum wage 元/month)
DEMO_AMOUNTS = {
    "410100": (930, 2100),  # 郑州
    "410200": (720, 2000),  # 开封
    "410300": (780, 2000),  # 洛阳
    "410400": (700, 1900),  # 平顶山
    "410500": (700, 1900),  # 安阳
    "410600": (690, 1900),  # 鹤壁
    "410700": (720, 2000),  # 新乡
    "410800": (720, 2000),  # 焦作
    "410900": (680, 1900),  # 濮阳
    "411000": (720, 2000),  # 许昌
    "411100": (690, 1900),  # 漯河
    "411200": (700, 1900),  # 三门峡
    "411300": (680, 1900),  # 南阳
    "411400": (670, 1800),  # 商丘
    "411500": (680, 1800),  # 信阳
    "411600": (660, 1800),  # 周口
    "411700": (660, 1800),  # 驻马店
    "419001": (750, 2000),  # 济源
}


def load(apps, schema_editor):
    DibaoStandard = apps.get_model("standards", "DibaoStandard")
    MinimumWage = apps.get_model("standards", "MinimumWage")
    for code, (dibao_yuan, wage_yuan) in DEMO_AMOUNTS.items():
        DibaoStandard.objects.get_or_create(region_code=code, effective_on=EFFECTIVE_ON, defaults={"monthly_fen": dibao_yuan * 100, "note": DEMO_NOTE})
        MinimumWage.objects.get_or_create(region_code=code, effective_on=EFFECTIVE_ON, defaults={"monthly_fen": wage_yuan * 100, "note": DEMO_NOTE})


def unload(apps, schema_editor):
    for name in ("DibaoStandard", "MinimumWage"):
        apps.get_model("standards", name).objects.filter(effective_on=EFFECTIVE_ON, note=DEMO_NOTE).delete()


class Migration(migrations.Migration):
    dependencies = [("standards", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
