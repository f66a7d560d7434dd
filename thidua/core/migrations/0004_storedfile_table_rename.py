from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_storedfile_moved_from_submissions"),
        ("submissions", "0002_storedfile_moved_to_core"),
    ]

    operations = [migrations.AlterModelTable(name="storedfile", table=None)]
