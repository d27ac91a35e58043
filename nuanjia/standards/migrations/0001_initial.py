"""The 低保 standards and minimum wages move here from the hardship app: state only.

Their tables keep the names hardship gave them (hardship_dibaostandard, hardship_minimumwage),
so no row moves and nothing is copied; hardship 0005 drops the models from its own state. The
content types follow the models, so permissions and admin history stay attached.
"""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MOVED = ("dibaostandard", "minimumwage")


def _move_content_types(apps, source: str, target: str) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        if not content_type.objects.filter(app_label=target, model=model).exists():
            content_type.objects.filter(app_label=source, model=model).update(app_label=target)


def forwards(apps, schema_editor):
    _move_content_types(apps, "hardship", "standards")


def backwards(apps, schema_editor):
    _move_content_types(apps, "standards", "hardship")


def _amount_fields():
    return [
        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
        ('region_code', models.CharField(max_length=6, validators=[django.core.validators.RegexValidator('^\\d{6}$', 'Enter a 6-digit region code.')], verbose_name='region code')),
        ('effective_on', models.DateField(verbose_name='effective on')),
        ('monthly_fen', models.BigIntegerField(verbose_name='monthly amount')),
        ('note', models.CharField(blank=True, max_length=200, verbose_name='note')),
        ('created_at', models.DateTimeField(auto_now_add=True)),
        ('updated_at', models.DateTimeField(auto_now=True)),
        ('updated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
    ]  # fmt: skip


def _amount_options(model: str, table: str, verbose_name: str, verbose_name_plural: str):
    return {
        'verbose_name': verbose_name,
        'verbose_name_plural': verbose_name_plural,
        'db_table': table,
        'ordering': ['region_code', '-effective_on'],
        'abstract': False,
        'constraints': [
            models.UniqueConstraint(fields=('region_code', 'effective_on'), name=f'{model}_one_per_region_and_date'),
            models.CheckConstraint(condition=models.Q(('monthly_fen__gt', 0)), name=f'{model}_amount_positive'),
        ],
    }  # fmt: skip


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("contenttypes", "0002_remove_content_type_name"),
        ("hardship", "0003_file_purged_on"),  # the tables exist (hardship 0001 made them)
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="DibaoStandard",
                    fields=_amount_fields(),
                    options=_amount_options(
                        "dibaostandard", "hardship_dibaostandard", "dibao standard", "dibao standards"
                    ),
                ),
                migrations.CreateModel(
                    name="MinimumWage",
                    fields=_amount_fields(),
                    options=_amount_options(
                        "minimumwage", "hardship_minimumwage", "minimum wage", "minimum wages"
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards),
    ]
