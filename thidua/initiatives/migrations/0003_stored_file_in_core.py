# The initiative files' FK now points to core.StoredFile: same table, so state only.
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("initiatives", "0002_city_departments"),
        ("core", "0003_storedfile_moved_from_submissions"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="initiativefile",
                    name="stored",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="initiative_uses", to="core.storedfile"
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
