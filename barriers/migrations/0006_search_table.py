"""A narrow copy of what the ranked search reads (`BarrierSearch`), kept by a trigger.

Ranking reads the search vector of every match. In `barriers_barrier` the
vector sits near the end of wide rows (some 560 bytes, 36 columns), so the
ranked search visits twice the pages and unpacks every column before it;
here it reads (id, vector, status, submitter, endorsing organisations) only.

A trigger rather than service code, as for the vector itself (0003): every
write path (services, admin, bulk inserts of the demo and benchmark data,
raw updates, deletes) keeps the copy current. It runs AFTER the row is
written, so it copies the vector the BEFORE trigger of 0003 has just built,
and on updates only when one of the copied columns changed. PostgreSQL only:
on SQLite the table stays empty and the search falls back to icontains.
"""


import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

COPIED = ("search_vector", "status", "author_id", "endorsing_organisation_count")
CHANGED = " OR ".join(f"OLD.{column} IS DISTINCT FROM NEW.{column}" for column in COPIED)

FUNCTION = f"""
CREATE OR REPLACE FUNCTION barriers_barrier_search_copy() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    DELETE FROM barriers_barriersearch WHERE barrier_id = OLD.id;
    RETURN OLD;
  END IF;
  IF TG_OP = 'UPDATE' AND OLD.id <> NEW.id THEN
    DELETE FROM barriers_barriersearch WHERE barrier_id = OLD.id;
  END IF;
  INSERT INTO barriers_barriersearch (barrier_id, {", ".join(COPIED)})
  VALUES (NEW.id, {", ".join(f"NEW.{column}" for column in COPIED)})
  ON CONFLICT (barrier_id) DO UPDATE SET
    {", ".join(f"{column} = EXCLUDED.{column}" for column in COPIED)};
  RETURN NEW;
END
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS barriers_barrier_search_copy_insert ON barriers_barrier;
DROP TRIGGER IF EXISTS barriers_barrier_search_copy_update ON barriers_barrier;
DROP TRIGGER IF EXISTS barriers_barrier_search_copy_delete ON barriers_barrier;
CREATE TRIGGER barriers_barrier_search_copy_insert
  AFTER INSERT ON barriers_barrier
  FOR EACH ROW EXECUTE FUNCTION barriers_barrier_search_copy();
CREATE TRIGGER barriers_barrier_search_copy_update
  AFTER UPDATE ON barriers_barrier
  FOR EACH ROW WHEN (OLD.id <> NEW.id OR {CHANGED})
  EXECUTE FUNCTION barriers_barrier_search_copy();
CREATE TRIGGER barriers_barrier_search_copy_delete
  AFTER DELETE ON barriers_barrier
  FOR EACH ROW EXECUTE FUNCTION barriers_barrier_search_copy();
DELETE FROM barriers_barriersearch;
INSERT INTO barriers_barriersearch (barrier_id, {", ".join(COPIED)})
  SELECT id, {", ".join(COPIED)} FROM barriers_barrier;
"""  # noqa: S608 -- only constants are formatted in

REVERSE = """
DROP TRIGGER IF EXISTS barriers_barrier_search_copy_insert ON barriers_barrier;
DROP TRIGGER IF EXISTS barriers_barrier_search_copy_update ON barriers_barrier;
DROP TRIGGER IF EXISTS barriers_barrier_search_copy_delete ON barriers_barrier;
DROP FUNCTION IF EXISTS barriers_barrier_search_copy();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REVERSE)


class Migration(migrations.Migration):

    dependencies = [
        ('barriers', '0005_link_table_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='BarrierSearch',
            fields=[
                ('barrier', models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name='+', serialize=False, to='barriers.barrier')),
                ('search_vector', django.contrib.postgres.search.SearchVectorField(null=True)),
                ('status', models.CharField(max_length=20)),
                ('endorsing_organisation_count', models.PositiveIntegerField(default=0)),
                ('author', models.ForeignKey(db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'indexes': [django.contrib.postgres.indexes.GinIndex(fields=['search_vector'], name='barrier_search_side_idx')],
            },
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
