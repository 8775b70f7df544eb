"""Demo data for the policy radar: a few updates and followers on the real items.

The real items come from the data migration; this adds what makes the radar
move for a new user: updates written by the demo coordinator (they restate
facts of the reference data, no invented news) and demo members following
items. `--scale N` adds bench items with key dates and 6 updates per unit.
"""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from members.models import User
from thementisch.models import Material, ValueChainStage

from .models import (
    ItemType,
    Level,
    PolicyFollow,
    PolicyItem,
    PolicyKeyDate,
    PolicyUpdate,
    Precision,
    Status,
    period_end,
)

COORDINATOR = "koordination@example.org"

# (item key, date, title, body)
DEMO_UPDATES = [
    (
        "de_elektrog",
        datetime.date(2026, 1, 2),
        "ElektroG-Novelle: Änderungen gelten seit 1. Januar 2026",
        "Die meisten Änderungen der ElektroG-Novelle gelten seit dem 1. Januar 2026, u. a. die "
        "Annahme von Altgeräten am Wertstoffhof durch Fachpersonal.\n\n**Was das für Sie "
        "bedeutet:** Weniger Lithium-Akkus im Sammelgut sollen Brände in Sortier- und "
        "Shredderanlagen verringern. Weitere Pflichten im Handel folgen ab 1. Juli 2026.",
    ),
    (
        "eu_cbam",
        datetime.date(2026, 1, 5),
        "CBAM: die endgültige Phase hat begonnen",
        "Seit dem 1. Januar 2026 müssen Einführer CBAM-Zertifikate für Eisen/Stahl und "
        "Aluminium erwerben. Der Verkauf über die zentrale Plattform startet am 1. Februar "
        "2027.\n\n**Was das für Sie bedeutet:** Halten Sie Emissions- und Schrottdaten Ihrer "
        "Vorlieferanten bereit.",
    ),
    (
        "eu_aluminium_scrap_measure",
        datetime.date(2026, 2, 2),
        "Konsultation zur Aluminiumschrott-Maßnahme beendet",
        "Die Konsultation der GD Handel lief vom 19.12.2025 bis 31.01.2026. Diskutiert werden "
        "Ausfuhrzölle oder Zollkontingente für Aluminiumschrott.\n\n**Was das für Sie "
        "bedeutet:** Für Schrotthandel und Recycler in NRW ist die Maßnahme unmittelbar preis- "
        "und absatzrelevant. Ein Verordnungsvorschlag war für das 2. Quartal 2026 angekündigt.",
    ),
    (
        "nrw_ce_strategie",
        datetime.date(2026, 2, 16),
        "Online-Konsultation zur NRW-Kreislaufwirtschaftsstrategie abgeschlossen",
        "Die Konsultation zu den 14 Eckpunkten von MWIKE und MUNV endete am 15. Februar 2026. "
        "Metall wird ausdrücklich als Chancenbranche genannt.\n\n**Was das für Sie "
        "bedeutet:** Der Kabinettsbeschluss war für das 1. Halbjahr 2026 geplant; wir "
        "berichten, sobald er vorliegt.",
    ),
    (
        "eu_waste_shipment",
        datetime.date(2026, 5, 22),
        "Notifizierungen laufen jetzt elektronisch über DIWASS",
        "Seit dem 21. Mai 2026 gelten die meisten Bestimmungen der neuen "
        "Abfallverbringungsverordnung. Notifizierungsverfahren – etwa für Filterstäube – "
        "werden über das digitale System **DIWASS** abgewickelt, das Papierverfahren "
        "entfällt.\n\n**Was das für Sie bedeutet:** Prüfen Sie, ob Ihre Zugänge eingerichtet "
        "sind. Ab 21. Mai 2027 gilt zudem das neue Regime für Schrottexporte in "
        "Nicht-OECD-Staaten.",
    ),
    (
        "eu_steel_trade_measure",
        datetime.date(2026, 10, 1),
        "Stahl-Einfuhrregelung: Nachweis von Erschmelzen und Gießen",
        "Nach dem Verhandlungsmandat des Rates ist ab dem 1. Oktober 2026 nachzuweisen, in "
        "welchem Land Stahl erschmolzen und gegossen wurde („Melt and Pour“). Der endgültige "
        "Stichtag ist noch nicht bestätigt.\n\n**Was das für Sie bedeutet:** Fragen Sie bei "
        "Importware die Ursprungsnachweise Ihrer Lieferanten an.",
    ),
    (
        "eu_battery_regulation",
        datetime.date(2026, 11, 16),
        "Sorgfaltspflichten der Batterieverordnung ab 18. August 2027",
        "Die Sorgfaltspflichten in der Lieferkette gelten nach der Verschiebung ab dem "
        "18. August 2027.\n\n**Was das für Sie bedeutet:** Wer Batterien in Verkehr bringt, "
        "sollte die Daten seiner Lieferkette jetzt zusammentragen.",
    ),
]

# (member email, item keys followed)
DEMO_FOLLOWS = [
    ("mitglied@example.org", ["eu_waste_shipment", "eu_aluminium_scrap_measure", "de_elektrog"]),
    ("verband@example.org", ["eu_cbam", "nrw_ce_strategie", "eu_waste_shipment"]),
    ("stahl@example.org", ["eu_cbam", "eu_steel_trade_measure"]),
    ("forschung@example.org", ["eu_crma", "eu_battery_regulation"]),
]

# One --scale unit: 0.6 items (6 per 10 units, rounded up) and 6 updates.
ITEMS_PER_TEN_UNITS = 6
UPDATES_PER_UNIT = 6
KEY_DATES_PER_ITEM = 4
BENCH_PREFIX = "bench-policy-"


def seed(*, scale: int, stdout) -> list[str]:
    coordinator = User.objects.filter(email=COORDINATOR).first()
    items = {item.import_key: item for item in PolicyItem.objects.exclude(import_key=None)}
    new_updates = []
    for key, date, title, body in DEMO_UPDATES:
        item = items.get(key)
        if item is None or PolicyUpdate.objects.filter(item=item, title=title).exists():
            continue
        published = timezone.make_aware(datetime.datetime.combine(date, datetime.time(9, 30)))
        new_updates.append(
            PolicyUpdate(
                item=item,
                date=date,
                title=title,
                body=body,
                author=coordinator,
                is_demo=True,
                created_at=published,
            )
        )
    PolicyUpdate.objects.bulk_create(new_updates)

    members = {user.email: user for user in User.objects.filter(is_demo=True)}
    follows = [
        PolicyFollow(item=items[key], user=members[email])
        for email, keys in DEMO_FOLLOWS
        if email in members
        for key in keys
        if key in items
    ]
    PolicyFollow.objects.bulk_create(follows, ignore_conflicts=True)
    stdout.write(f"policy: {len(new_updates)} demo updates added, demo members follow items")

    if scale:
        _seed_scale(scale, coordinator, stdout)
    return []


def _seed_scale(scale: int, author, stdout) -> None:
    """Bench items with key dates, materials and stages, and updates: created once."""
    rng = random.Random(6)
    wanted_items = (ITEMS_PER_TEN_UNITS * scale + 9) // 10
    existing = PolicyItem.objects.filter(slug__startswith=BENCH_PREFIX).count()
    levels, kinds, states = Level.values, ItemType.values, Status.values
    new_items = [
        PolicyItem(
            title=f"Benchmark-Regelung {number:05d} zur Kreislaufwirtschaft von Metallen",
            short_name=f"Bench-Regelung {number:05d}",
            slug=f"{BENCH_PREFIX}{number:05d}",
            reference=f"Bench {number:05d}",
            level=levels[number % len(levels)],
            kind=kinds[number % len(kinds)],
            status=states[number % len(states)],
            relevance="Testeintrag für Lastmessungen (`seed_demo --scale`).",
            is_demo=True,
        )
        for number in range(existing, wanted_items)
    ]
    PolicyItem.objects.bulk_create(new_items, batch_size=1000)
    bench_items = list(PolicyItem.objects.filter(slug__startswith=BENCH_PREFIX).order_by("slug"))
    created = bench_items[existing:]
    if created:
        materials = list(Material.objects.all())
        stages = list(ValueChainStage.objects.all())
        today = timezone.localdate()
        key_dates = []
        for item in created:
            for offset in range(KEY_DATES_PER_ITEM):
                start = today + datetime.timedelta(days=rng.randint(-720, 1080) + offset)
                key_dates.append(
                    PolicyKeyDate(
                        item=item,
                        date=start,
                        precision=Precision.DAY,
                        date_end=period_end(start, Precision.DAY),
                        kind=PolicyKeyDate.Kind.values[offset % len(PolicyKeyDate.Kind.values)],
                        label=f"Bench-Termin {offset + 1}",
                    )
                )
        PolicyKeyDate.objects.bulk_create(key_dates, batch_size=2000)
        PolicyItem.materials.through.objects.bulk_create(
            [
                PolicyItem.materials.through(policyitem_id=item.pk, material_id=material.pk)
                for item in created
                for material in rng.sample(materials, min(2, len(materials)))
            ],
            batch_size=5000,
        )
        PolicyItem.value_chain_stages.through.objects.bulk_create(
            [
                PolicyItem.value_chain_stages.through(
                    policyitem_id=item.pk, valuechainstage_id=stage.pk
                )
                for item in created
                for stage in rng.sample(stages, min(2, len(stages)))
            ],
            batch_size=5000,
        )

    wanted_updates = UPDATES_PER_UNIT * scale
    existing_updates = PolicyUpdate.objects.filter(item__slug__startswith=BENCH_PREFIX).count()
    now = timezone.now()
    new_updates = [
        PolicyUpdate(
            item=bench_items[number % len(bench_items)],
            date=(now - datetime.timedelta(hours=number)).date(),
            title=f"Bench-Update {number:06d}",
            body="Was sich geändert hat und was es für Mitglieder bedeutet (Lasttest).",
            author=author,
            is_demo=True,
            created_at=now - datetime.timedelta(hours=number),
        )
        for number in range(existing_updates, wanted_updates)
    ]
    PolicyUpdate.objects.bulk_create(new_updates, batch_size=2000)
    stdout.write(f"policy: {len(new_items)} bench items and {len(new_updates)} bench updates added")
