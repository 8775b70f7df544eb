"""Each word of a barrier's search vector with its rank (`BarrierSearchTerm`), kept by a trigger.

A ranked search reads every match to rank it: for a frequent word, thousands
of rows for a page of twenty. With the rank of each word stored beside it,
a search for one word reads the first rows of an index in the order of the
ranked list and stops after the page.

The trigger sits on the narrow search table (0006), which the barrier's own
trigger keeps current on every write path: when the vector changes, the
words are written anew with `ts_rank(vector, 'word')`, the rank the ranked
search gives a query of that one word; when only the status, the submitter
or the endorsing organisations change, those are updated in place.
PostgreSQL only: on SQLite the table stays empty and unused.
"""

import django.db.models.deletion

import barriers.models
from django.conf import settings
from django.db import migrations, models

COPIED = ("status", "author_id", "endorsing_organisation_count")

# A word as a one-word tsquery: quoted, with its quotes and backslashes doubled.
WORD_QUERY = (
    r"('''' || replace(replace(word.lexeme, '\', '\\'), '''', '''''') || '''')::tsquery"
)

INSERT = f"""
INSERT INTO barriers_barriersearchterm (barrier_id, lexeme, rank, {", ".join(COPIED)})
SELECT source.barrier_id, word.lexeme, ts_rank(source.search_vector, {WORD_QUERY}),
       {", ".join(f"source.{column}" for column in COPIED)}
"""  # noqa: S608 -- only constants are formatted in

FUNCTION = f"""
CREATE OR REPLACE FUNCTION barriers_barriersearch_terms() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    DELETE FROM barriers_barriersearchterm WHERE barrier_id = OLD.barrier_id;
    RETURN OLD;
  END IF;
  IF TG_OP = 'UPDATE' THEN
    IF OLD.barrier_id = NEW.barrier_id
       AND OLD.search_vector IS NOT DISTINCT FROM NEW.search_vector THEN
      UPDATE barriers_barriersearchterm
        SET {", ".join(f"{column} = NEW.{column}" for column in COPIED)}
        WHERE barrier_id = NEW.barrier_id;
      RETURN NEW;
    END IF;
    DELETE FROM barriers_barriersearchterm WHERE barrier_id = OLD.barrier_id;
  END IF;
  {INSERT}
    FROM (SELECT NEW.*) AS source, unnest(NEW.search_vector) AS word;
  RETURN NEW;
END
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS barriers_barriersearch_terms_insert ON barriers_barriersearch;
DROP TRIGGER IF EXISTS barriers_barriersearch_terms_update ON barriers_barriersearch;
DROP TRIGGER IF EXISTS barriers_barriersearch_terms_delete ON barriers_barriersearch;
CREATE TRIGGER barriers_barriersearch_terms_insert
  AFTER INSERT ON barriers_barriersearch
  FOR EACH ROW EXECUTE FUNCTION barriers_barriersearch_terms();
CREATE TRIGGER barriers_barriersearch_terms_update
  AFTER UPDATE ON barriers_barriersearch
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*)
  EXECUTE FUNCTION barriers_barriersearch_terms();
CREATE TRIGGER barriers_barriersearch_terms_delete
  AFTER DELETE ON barriers_barriersearch
  FOR EACH ROW EXECUTE FUNCTION barriers_barriersearch_terms();
DELETE FROM barriers_barriersearchterm;
{INSERT}
  FROM barriers_barriersearch AS source, unnest(source.search_vector) AS word;
"""  # noqa: S608 -- only constants are formatted in

REVERSE = """
DROP TRIGGER IF EXISTS barriers_barriersearch_terms_insert ON barriers_barriersearch;
DROP TRIGGER IF EXISTS barriers_barriersearch_terms_update ON barriers_barriersearch;
DROP TRIGGER IF EXISTS barriers_barriersearch_terms_delete ON barriers_barriersearch;
DROP FUNCTION IF EXISTS barriers_barriersearch_terms();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REVERSE)


class Migration(migrations.Migration):

    dependencies = [
        ('barriers', '0006_search_table'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='BarrierSearchTerm',
            fields=[
                ('pk', models.CompositePrimaryKey('barrier', 'lexeme', blank=True, editable=False, primary_key=True, serialize=False)),
                ('lexeme', models.TextField()),
                ('rank', barriers.models.RankField()),
                ('status', models.CharField(max_length=20)),
                ('endorsing_organisation_count', models.PositiveIntegerField(default=0)),
                ('author', models.ForeignKey(db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('barrier', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='barriers.barrier')),
            ],
            options={
                'indexes': [models.Index(fields=['lexeme', '-rank', '-endorsing_organisation_count', '-barrier'], include=('status', 'author'), name='barrier_search_term_rank_idx')],
            },
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
