"""Keep `Barrier.search_vector` current in the database (PostgreSQL only).

A trigger rather than service code: every write path (services, admin,
bulk inserts of the demo and benchmark data, raw updates) gets a correct
vector without remembering to. Title weighs A, description B, proposed
solution and the free-text regulation C, all with the `german` configuration
(stemming: "Schrotte" finds "Schrott"). SQLite has no full-text search here;
the app falls back to icontains there.
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION barriers_barrier_search_vector() RETURNS trigger AS $$
BEGIN
  NEW.search_vector :=
    setweight(to_tsvector('pg_catalog.german', coalesce(NEW.title, '')), 'A') ||
    setweight(to_tsvector('pg_catalog.german', coalesce(NEW.description, '')), 'B') ||
    setweight(to_tsvector('pg_catalog.german',
      coalesce(NEW.proposed_solution, '') || ' ' || coalesce(NEW.regulation_text, '')), 'C');
  RETURN NEW;
END
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS barriers_barrier_search_vector_trigger ON barriers_barrier;
CREATE TRIGGER barriers_barrier_search_vector_trigger
  BEFORE INSERT OR UPDATE OF title, description, proposed_solution, regulation_text
  ON barriers_barrier FOR EACH ROW EXECUTE FUNCTION barriers_barrier_search_vector();
UPDATE barriers_barrier SET title = title;
"""

REVERSE = """
DROP TRIGGER IF EXISTS barriers_barrier_search_vector_trigger ON barriers_barrier;
DROP FUNCTION IF EXISTS barriers_barrier_search_vector();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REVERSE)


class Migration(migrations.Migration):
    dependencies = [("barriers", "0002_extend_barriers")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
