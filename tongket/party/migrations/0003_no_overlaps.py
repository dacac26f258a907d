"""On PostgreSQL, the database itself refuses overlapping organization versions and a member
in two official organizations on one day. SQLite relies on the services' checks."""

from django.db import migrations

ADD = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE party_partyorgversion ADD CONSTRAINT orgversion_no_overlap
  EXCLUDE USING gist (org_id WITH =, daterange(valid_from, valid_to, '[]') WITH &&);
ALTER TABLE party_membership ADD CONSTRAINT membership_one_official
  EXCLUDE USING gist (member_id WITH =, daterange(valid_from, valid_to, '[]') WITH &&)
  WHERE (kind = 'official');
"""
DROP = """
ALTER TABLE party_partyorgversion DROP CONSTRAINT orgversion_no_overlap;
ALTER TABLE party_membership DROP CONSTRAINT membership_one_official;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ADD)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("party", "0002_history_members_positions")]
    operations = [migrations.RunPython(forwards, backwards)]
