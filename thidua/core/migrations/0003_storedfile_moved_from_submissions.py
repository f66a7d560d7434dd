# StoredFile moves from submissions to core (documents and initiatives both use it). The table is
# adopted as it is (state only); 0004 then renames it to core_storedfile.
import django.db.models
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_notification"),
        ("submissions", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="StoredFile",
                    fields=[
                        ("id", django.db.models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("sha256", django.db.models.CharField(max_length=64, unique=True)),
                        ("size", django.db.models.PositiveBigIntegerField(verbose_name="size")),
                        ("kind", django.db.models.CharField(max_length=10, verbose_name="type")),
                        ("created_at", django.db.models.DateTimeField(auto_now_add=True)),
                    ],
                    options={
                        "verbose_name": "stored file",
                        "verbose_name_plural": "stored files",
                        "db_table": "submissions_storedfile",
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
