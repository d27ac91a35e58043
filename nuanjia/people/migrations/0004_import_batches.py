# Import batches of worker sheets (people.imports): batch, row errors, and the batch on each worker.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('orgs', '0001_initial'),
        ('people', '0003_default_occupation_tags'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ImportBatch',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('mode', models.CharField(max_length=20, verbose_name='mode')),
                ('file_name', models.CharField(max_length=200, verbose_name='file')),
                ('stored_file', models.CharField(blank=True, max_length=500)),
                ('status', models.CharField(choices=[('queued', 'Waiting to start'), ('checking', 'Checking rows'), ('writing', 'Writing'), ('done', 'Imported'), ('refused', 'Not imported'), ('failed', 'Failed')], default='queued', max_length=10, verbose_name='status')),
                ('total', models.PositiveIntegerField(default=0, verbose_name='rows')),
                ('processed', models.PositiveIntegerField(default=0, verbose_name='rows checked')),
                ('errors', models.PositiveIntegerField(default=0, verbose_name='rows with errors')),
                ('created', models.PositiveIntegerField(default=0, verbose_name='rows added')),
                ('updated', models.PositiveIntegerField(default=0, verbose_name='rows updated')),
                ('unchanged', models.PositiveIntegerField(default=0, verbose_name='rows unchanged')),
                ('sheet_errors', models.JSONField(blank=True, default=list)),
                ('error_sheet', models.CharField(blank=True, max_length=60)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('started_at', models.DateTimeField(blank=True, null=True)),
                ('finished_at', models.DateTimeField(blank=True, null=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                ('org', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='orgs.org', verbose_name='union')),
            ],
            options={
                'verbose_name': 'import batch',
                'ordering': ['-created_at', '-id'],
            },
        ),
        migrations.AddField(
            model_name='worker',
            name='import_batch',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='people.importbatch', verbose_name='import batch'),
        ),
        migrations.CreateModel(
            name='ImportRowError',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('row', models.PositiveIntegerField()),
                ('column', models.CharField(blank=True, max_length=3)),
                ('header', models.CharField(blank=True, max_length=30)),
                ('message', models.CharField(max_length=500)),
                ('batch', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='row_errors', to='people.importbatch')),
            ],
            options={
                'verbose_name': 'import error',
            },
        ),
        migrations.AddConstraint(
            model_name='importbatch',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['queued', 'checking', 'writing', 'done', 'refused', 'failed'])), name='import_batch_status_known'),
        ),
        migrations.AddIndex(
            model_name='importrowerror',
            index=models.Index(fields=['batch', 'row'], name='people_impo_batch_i_39b31f_idx'),
        ),
    ]
