"""Fill the taxonomies (value-chain stages, materials) from the reference data."""

from django.db import migrations


def load_taxonomy(apps, schema_editor):
    from thementisch.reference import section

    ValueChainStage = apps.get_model("thementisch", "ValueChainStage")
    Material = apps.get_model("thementisch", "Material")
    for entry in section("process_chain"):
        ValueChainStage.objects.update_or_create(
            slug=entry["id"],
            defaults={
                "label_de": entry["label_de"],
                "label_en": entry["label_en"],
                "description_de": entry.get("description_de", ""),
                "description_en": entry.get("description_en", ""),
                "order": entry["order"],
            },
        )
    for order, entry in enumerate(section("materials"), start=1):
        crma = entry.get("crma") or {}
        Material.objects.update_or_create(
            slug=entry["id"],
            defaults={
                "label_de": entry["label_de"],
                "label_en": entry["label_en"],
                "group": entry.get("group", ""),
                "is_primary": bool(entry.get("portal_primary")),
                "crma_strategic": bool(crma.get("strategic")),
                "crma_critical": bool(crma.get("critical")),
                "order": order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("thementisch", "0001_initial")]

    operations = [migrations.RunPython(load_taxonomy, migrations.RunPython.noop)]
