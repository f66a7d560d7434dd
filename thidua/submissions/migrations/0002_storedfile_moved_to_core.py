# StoredFile now lives in core (state only: the table stays, core 0004 renames it).
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("submissions", "0001_initial"),
        ("core", "0003_storedfile_moved_from_submissions"),
        ("initiatives", "0003_stored_file_in_core"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="submissionfile",
                    name="stored",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="uses", to="core.storedfile"
                    ),
                ),
                migrations.DeleteModel(name="StoredFile"),
            ],
            database_operations=[],
        ),
    ]
