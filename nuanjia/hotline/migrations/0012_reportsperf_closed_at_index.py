from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("hotline", "0011_listscale_list_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(fields=["closed_at"], name="hotline_ticket_closed_at"),
        ),
    ]
