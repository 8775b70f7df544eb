"""Seed the policy radar with the real items of the reference data (domain.yaml).

Every installation gets them. The reference id stays as the item's address
(slug) and as `import_key`. Entries the reference marks unverified or only
partially verified are flagged `needs_review`: members see a notice and the
coordinator finds them with the admin filter. Key dates keep their precision
("2026", "2026-H1", "2026-Q2", "2025-12"); dates the reference marks
"(unverified)" are flagged as not confirmed.

The reference names no materials or value-chain stages per item; MATERIALS and
STAGES below are the ones each entry's relevance text names, for the
coordinator to refine.
"""

import calendar
import datetime
import re

from django.db import migrations

# The reference calls these two "communication"; both are action plans.
TYPE_OVERRIDES = {
    "eu_resourceeu": "action_plan",
    "eu_steel_metals_action_plan": "action_plan",
}

MATERIALS = {
    "eu_crma": ["aluminium", "kupfer", "nickel", "edelmetalle_pgm", "seltene_erden"],
    "eu_resourceeu": ["seltene_erden", "aluminium", "kupfer"],
    "eu_espr": ["stahl", "aluminium"],
    "eu_battery_regulation": ["lithium", "kobalt", "nickel", "blei", "batteriemetalle_mix"],
    "eu_waste_shipment": ["stahl", "aluminium", "kupfer", "legierungen_mischschrotte"],
    "eu_eow_metal_scrap": ["stahl", "aluminium", "kupfer"],
    "eu_cbam": ["stahl", "aluminium"],
    "eu_ets_revision": ["stahl", "aluminium"],
    "eu_elv_regulation": ["stahl", "aluminium", "kupfer"],
    "eu_steel_metals_action_plan": ["stahl", "aluminium", "kupfer"],
    "eu_industrial_accelerator_act": ["stahl", "aluminium"],
    "eu_steel_trade_measure": ["stahl"],
    "eu_aluminium_scrap_measure": ["aluminium"],
    "de_elektrog": ["kupfer", "edelmetalle_au_ag", "edelmetalle_pgm"],
    "de_battdg": ["lithium", "kobalt", "nickel", "blei", "batteriemetalle_mix"],
    "de_ersatzbaustoffv": ["stahl", "kupfer"],
}

STAGES = {
    "eu_crma": ["rohstoffgewinnung", "sortierung_aufbereitung", "sekundaererzeugung"],
    "eu_resourceeu": ["sammlung", "sortierung_aufbereitung", "schrotthandel"],
    "eu_espr": ["primaererzeugung", "sekundaererzeugung", "halbzeugherstellung", "metallverarbeitung"],
    "eu_battery_regulation": ["sammlung", "sortierung_aufbereitung", "sekundaererzeugung"],
    "eu_waste_shipment": ["sortierung_aufbereitung", "schrotthandel", "nebenprodukte"],
    "eu_eow_metal_scrap": ["sortierung_aufbereitung", "schrotthandel"],
    "eu_waste_framework": ["sortierung_aufbereitung", "nebenprodukte"],
    "eu_circular_economy_act": [
        "sammlung", "sortierung_aufbereitung", "schrotthandel", "sekundaererzeugung", "nebenprodukte",
    ],
    "eu_cbam": ["primaererzeugung", "sekundaererzeugung", "halbzeugherstellung"],
    "eu_ets_revision": ["primaererzeugung", "sekundaererzeugung"],
    "eu_elv_regulation": ["sammlung", "sortierung_aufbereitung", "wiedereinsatz"],
    "eu_steel_metals_action_plan": ["primaererzeugung", "sekundaererzeugung", "schrotthandel"],
    "eu_industrial_accelerator_act": ["primaererzeugung", "sekundaererzeugung"],
    "eu_steel_trade_measure": ["primaererzeugung", "sekundaererzeugung"],
    "eu_aluminium_scrap_measure": ["schrotthandel", "sortierung_aufbereitung", "sekundaererzeugung"],
    "de_krwg": ["sortierung_aufbereitung", "nebenprodukte"],
    "de_elektrog": ["sammlung", "sortierung_aufbereitung"],
    "de_battdg": ["sammlung", "sortierung_aufbereitung"],
    "de_ersatzbaustoffv": ["nebenprodukte"],
}

# (test on the lower-cased German event text, kind); the first match wins.
KIND_RULES = [
    (lambda t: "konsultation" in t and "ende" in t, "consultation_end"),
    (lambda t: "konsultation" in t and "start" in t, "consultation_start"),
    (lambda t: t.startswith("inkrafttreten"), "in_force"),
    (
        lambda t: t.startswith(
            ("geltungsbeginn", "vorgesehener geltungsbeginn", "geltung ", "endgültige phase",
             "beginn übergangsphase", "batteriepass", "sorgfaltspflichten",
             "mindestrezyklatanteile", "stoffliche rückgewinnung", "neues regime")
        ),
        "applies_from",
    ),
    (
        lambda t: t.startswith(("verabschiedung", "annahme durch", "bundestagsbeschluss",
                                "bundestag beschließt", "beschluss des bundeskabinetts")),
        "adopted",
    ),
    (lambda t: "amtsblatt" in t or "verkündet" in t or t.startswith("ausfertigung"), "published"),
    (
        lambda t: t.startswith(("kommissionsvorschlag", "vorlage durch die kommission",
                                "angekündigter verordnungsvorschlag", "geplante vorlage")),
        "proposed",
    ),
    (lambda t: t.startswith(("frist", "umsetzungsfrist", "nachweispflicht")), "deadline"),
]  # fmt: skip


def parse_date(value: str) -> tuple[datetime.date, str]:
    """`2026-05-21`, `2025-12`, `2026-Q2`, `2026-H1` or `2026` as (first day, precision)."""
    value = str(value).strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return datetime.date.fromisoformat(value), "day"
    if match := re.fullmatch(r"(\d{4})-(\d{2})", value):
        return datetime.date(int(match[1]), int(match[2]), 1), "month"
    if match := re.fullmatch(r"(\d{4})-Q([1-4])", value):
        return datetime.date(int(match[1]), 3 * int(match[2]) - 2, 1), "quarter"
    if match := re.fullmatch(r"(\d{4})-H([12])", value):
        return datetime.date(int(match[1]), 1 if match[2] == "1" else 7, 1), "half"
    if re.fullmatch(r"\d{4}", value):
        return datetime.date(int(value), 1, 1), "year"
    raise ValueError(f"unknown date in the reference data: {value!r}")


def period_end(start: datetime.date, precision: str) -> datetime.date:
    months = {"day": 0, "month": 1, "quarter": 3, "half": 6, "year": 12}[precision]
    if not months:
        return start
    last_month = start.month + months - 1
    return datetime.date(start.year, last_month, calendar.monthrange(start.year, last_month)[1])


def kind_of(event: str) -> str:
    text = event.lower()
    for test, kind in KIND_RULES:
        if test(text):
            return kind
    return "milestone"


def clean_event(event: str) -> tuple[str, bool]:
    """The event text without the English "(unverified)" marker, and whether it had one."""
    flagged = "unverified" in event
    text = event.replace(" (unverified)", "").replace("unverified", "ungeprüft")
    return text.strip(), flagged


def status_as_of(value) -> datetime.date | None:
    if value and re.fullmatch(r"\d{4}-\d{2}", str(value)):
        year, month = str(value).split("-")
        return datetime.date(int(year), int(month), 1)
    return None


def seed(apps, schema_editor):
    from thementisch.reference import section

    PolicyItem = apps.get_model("policy", "PolicyItem")
    PolicyKeyDate = apps.get_model("policy", "PolicyKeyDate")
    Material = apps.get_model("thementisch", "Material")
    ValueChainStage = apps.get_model("thementisch", "ValueChainStage")
    materials = {m.slug: m for m in Material.objects.all()}
    stages = {s.slug: s for s in ValueChainStage.objects.all()}

    for entry in section("policy_items"):
        key = entry["id"]
        if PolicyItem.objects.filter(import_key=key).exists():
            continue
        verification = entry.get("verification", "unverified")
        item = PolicyItem.objects.create(
            import_key=key,
            slug=key,
            title=entry["title_de"],
            title_en=entry.get("title_en", ""),
            short_name=entry.get("short_name", ""),
            reference=entry.get("reference", ""),
            level=entry["level"],
            kind=TYPE_OVERRIDES.get(key, entry["type"]),
            status=entry["status"],
            status_as_of=status_as_of(entry.get("status_as_of")),
            relevance=entry.get("relevance_de", ""),
            relevance_en=entry.get("relevance_en", ""),
            verification=verification,
            unverified_details="\n".join(entry.get("unverified_details") or []),
            needs_review=verification != "verified",
        )
        item.materials.set([materials[slug] for slug in MATERIALS.get(key, []) if slug in materials])
        item.value_chain_stages.set([stages[slug] for slug in STAGES.get(key, []) if slug in stages])
        rows = []
        for key_date in entry.get("key_dates") or []:
            start, precision = parse_date(key_date["date"])
            label, flagged = clean_event(key_date["event_de"])
            rows.append(
                PolicyKeyDate(
                    item=item,
                    date=start,
                    precision=precision,
                    date_end=period_end(start, precision),
                    kind=kind_of(label),
                    label=label,
                    label_en=key_date.get("event_en", ""),
                    needs_review=flagged,
                )
            )
        PolicyKeyDate.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [
        ("policy", "0002_radar"),
        ("thementisch", "0002_taxonomy"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
