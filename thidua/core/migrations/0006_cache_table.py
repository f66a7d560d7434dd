# The database cache (rate limits) needs its table; with REDIS_URL set this does nothing.
from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0005_outbound_email")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
