"""Indexes (material, barrier) and (stage, barrier) on the link tables.

The list filtered by material and stage joins both link tables by the
taxonomy id; with the barrier id in the same index PostgreSQL reads the ids
from the index alone instead of visiting the table (the link tables are
created by the ManyToManyFields, so the indexes are added with SQL).
"""

from django.db import migrations

INDEXES = [
    ("barriers_barrier_materials", "barrier_material_link_idx", "material_id, barrier_id"),
    (
        "barriers_barrier_value_chain_stages",
        "barrier_stage_link_idx",
        "valuechainstage_id, barrier_id",
    ),
]


class Migration(migrations.Migration):
    dependencies = [("barriers", "0004_endorsed_index")]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns})",
            f"DROP INDEX IF EXISTS {name}",
        )
        for table, name, columns in INDEXES
    ]
