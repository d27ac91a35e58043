"""The 低保 standards and minimum wages now belong to nuanjia.standards (its 0001): hardship
forgets the models; their tables and rows stay where they are, now owned by standards."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("hardship", "0004_file_engine_exit_proposed"),
        ("standards", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="DibaoStandard"),
                migrations.DeleteModel(name="MinimumWage"),
            ],
            database_operations=[],
        ),
    ]
