"""On PostgreSQL, the database itself refuses overlapping versions of one unit.

SQLite has no exclusion constraints; there the service checks before writing.
"""

from django.db import migrations

ADD = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE registry_adminunitversion ADD CONSTRAINT unitversion_no_overlap
  EXCLUDE USING gist (unit_id WITH =, daterange(valid_from, valid_to, '[]') WITH &&);
"""
DROP = "ALTER TABLE registry_adminunitversion DROP CONSTRAINT unitversion_no_overlap;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ADD)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("registry", "0002_unit_history")]
    operations = [migrations.RunPython(forwards, backwards)]
