"""The province's seeded hardship policy said where its figures came from by naming a design
file that is not part of nuanjia. Say it in words a union officer understands instead
(docs/domain.md "Hardship workers"); a note a union has written itself is left alone."""

from django.db import migrations

NOTE = "全国通行做法和送温暖活动规定的默认参数，各地可按本地政策修改"
OLD_ENDING = ".md 默认值"  # the old note: a file name followed by 默认值


def reword(apps, schema_editor):
    HardshipPolicy = apps.get_model("hardship", "HardshipPolicy")
    HardshipPolicy.objects.filter(note__endswith=OLD_ENDING).update(note=NOTE)


class Migration(migrations.Migration):
    dependencies = [("hardship", "0006_file_attachments")]

    operations = [migrations.RunPython(reword, migrations.RunPython.noop)]
