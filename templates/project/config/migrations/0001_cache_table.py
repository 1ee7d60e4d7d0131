from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    # The table of every DatabaseCache in settings.CACHES; a cache elsewhere, such as
    # Redis, needs none, and then this does nothing.
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.RunPython(create_cache_tables, migrations.RunPython.noop, elidable=False),
    ]
