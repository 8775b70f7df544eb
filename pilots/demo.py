"""Demo pilots: the eight fictitious example pilots of the reference data, and bulk pilots.

The example pilots come in several states, with partner needs open and
filled, applications pending and decided, and links to the demo barriers
when the barriers seed created them (looked up by title; none may exist).
`--scale` adds 20 pilots with 60 partner needs per unit, by bulk inserts.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone, translation

from barriers.models import Barrier
from members.models import Organisation, User
from thementisch.models import Material, ValueChainStage
from thementisch.reference import section

from .models import PartnerNeed, PilotApplication, PilotEvent, PilotProject
from .services import LISTING_PERIOD
from .taxonomy import TRL, BudgetRange, PartnerRole

S = PilotProject.Status
A = PilotApplication.Status

# Per example pilot: proposer, state, days since publication, budget, months,
# needs as (role, stage, material, index into partner_roles_sought_de,
# filled by: demo login or organisation name or None), applications as
# (demo login, index of the need or None for a general one, state), barriers.
PLAN = {
    "demo_p01": {
        "proposer": "mitglied@example.org",
        "status": S.SEEKING_PARTNERS,
        "days": 40,
        "budget": BudgetRange.TO_1M,
        "months": 30,
        "needs": [
            ("technology_provider", "sortierung_aufbereitung", "aluminium", 1, None),
            ("end_user", "halbzeugherstellung", "aluminium", 2, None),
            ("research", "sekundaererzeugung", "aluminium", 3, "forschung@example.org"),
            ("it_provider", None, None, 4, None),
        ],
        "applications": [
            ("forschung@example.org", 2, A.ACCEPTED),
            ("stahl@example.org", 1, A.PENDING),
        ],
        "barriers": ["demo_b09", "demo_b02", "demo_b06"],
    },
    "demo_p02": {
        "proposer": "stahl@example.org",
        "status": S.CONSORTIUM_FORMED,
        "days": 150,
        "budget": BudgetRange.TO_500K,
        "months": 24,
        "needs": [
            ("scrap_supplier", "sammlung", "stahl", 0, "Netzwerk Circular Metals NRW"),
            ("testing", None, "stahl", 2, "forschung@example.org"),
            ("public", None, None, 4, None),
        ],
        "applications": [
            ("forschung@example.org", 1, A.ACCEPTED),
            ("verband@example.org", None, A.DECLINED),
        ],
        "barriers": ["demo_b12"],
    },
    "demo_p03": {
        "proposer": "forschung@example.org",
        "status": S.SEEKING_PARTNERS,
        "days": 20,
        "budget": BudgetRange.TO_5M,
        "months": 36,
        "needs": [
            ("end_user", "produktnutzung", "seltene_erden", 0, None),
            ("remanufacturer", "wiedereinsatz", "seltene_erden", 1, None),
            ("recycler", "sortierung_aufbereitung", "seltene_erden", 2, None),
            ("logistics", "sammlung", None, 4, None),
        ],
        "applications": [("mitglied@example.org", 2, A.PENDING)],
        "barriers": ["demo_b10"],
    },
    "demo_p04": {
        "proposer": "verband@example.org",
        "status": S.RUNNING,
        "days": 300,
        "budget": BudgetRange.UNDER_100K,
        "months": 18,
        "needs": [
            ("processor", "metallverarbeitung", "kupfer", 0, "Sauerland Präzisionsschmiede GmbH"),
            ("semi_finished", "halbzeugherstellung", "kupfer", 1, "stahl@example.org"),
            ("logistics", "schrotthandel", "kupfer", 2, "mitglied@example.org"),
            ("it_provider", None, None, 4, None),
        ],
        "applications": [
            ("stahl@example.org", 1, A.ACCEPTED),
            ("mitglied@example.org", 2, A.ACCEPTED),
        ],
        "barriers": ["demo_b08"],
    },
    "demo_p05": {
        "proposer": "forschung@example.org",
        "status": S.IDEA,
        "days": 10,
        "budget": BudgetRange.OPEN,
        "months": 24,
        "needs": [
            ("processor", "metallverarbeitung", "zink", 0, None),
            ("technology_provider", "nebenprodukte", "zink", 1, None),
            ("end_user", "sekundaererzeugung", "zink", 3, None),
        ],
        "applications": [],
        "barriers": ["demo_b03", "demo_b11"],
    },
    "demo_p06": {
        "proposer": "verband@example.org",
        "status": S.SEEKING_PARTNERS,
        # Published almost six months ago: the renewal reminder is due.
        "days": 172,
        "budget": BudgetRange.TO_1M,
        "months": 24,
        "needs": [
            ("end_user", "produktnutzung", "batteriemetalle_mix", 0, None),
            ("testing", None, "batteriemetalle_mix", 1, None),
            ("recycler", "sortierung_aufbereitung", "batteriemetalle_mix", 3, None),
            ("finance", None, None, 5, None),
        ],
        "applications": [
            ("forschung@example.org", 1, A.PENDING),
            ("mitglied@example.org", 2, A.DECLINED),
        ],
        "barriers": ["demo_b07"],
    },
    "demo_p07": {
        "proposer": "stahl@example.org",
        "status": S.COMPLETED,
        "days": 700,
        "budget": BudgetRange.TO_500K,
        "months": 18,
        "needs": [
            ("processor", "metallverarbeitung", "stahl", 0, "Sauerland Präzisionsschmiede GmbH"),
            ("research", "halbzeugherstellung", "stahl", 4, "forschung@example.org"),
        ],
        "applications": [("forschung@example.org", 1, A.ACCEPTED)],
        "barriers": [],
    },
    "demo_p08": {
        "proposer": "mitglied@example.org",
        "status": S.DRAFT,
        "days": 0,
        "budget": BudgetRange.UNDER_100K,
        "months": 12,
        "needs": [
            ("processor", "metallverarbeitung", "stahl", 0, None),
            ("technology_provider", "wiedereinsatz", "stahl", 2, None),
        ],
        "applications": [],
        "barriers": [],
    },
}

# The way each state was reached, for the timeline.
PATHS = {
    S.DRAFT: [],
    S.IDEA: [S.IDEA],
    S.SEEKING_PARTNERS: [S.SEEKING_PARTNERS],
    S.CONSORTIUM_FORMED: [S.SEEKING_PARTNERS, S.CONSORTIUM_FORMED],
    S.FUNDING_APPLIED: [S.SEEKING_PARTNERS, S.CONSORTIUM_FORMED, S.FUNDING_APPLIED],
    S.RUNNING: [S.SEEKING_PARTNERS, S.CONSORTIUM_FORMED, S.FUNDING_APPLIED, S.RUNNING],
    S.COMPLETED: [
        S.SEEKING_PARTNERS,
        S.CONSORTIUM_FORMED,
        S.FUNDING_APPLIED,
        S.RUNNING,
        S.COMPLETED,
    ],
}

APPLICATION_MESSAGES = [
    "Wir bringen langjährige Erfahrung und eine Versuchsanlage mit und würden gern mitwirken.",
    "Unser Team kann Analytik und Materialprüfung übernehmen; Kapazität ab dem nächsten Quartal.",
    "Wir verfügen über passende Mengen und Logistik und könnten im Pilot als Partner einsteigen.",
]

PILOTS_PER_UNIT = 20
NEEDS_PER_PILOT = 3  # 60 needs per unit


def seed(*, scale: int, stdout) -> list[str]:
    stages = {stage.slug: stage for stage in ValueChainStage.objects.all()}
    materials = {material.slug: material for material in Material.objects.all()}
    users = {user.email: user for user in User.objects.filter(email__endswith="@example.org")}
    coordinator = users.get("koordination@example.org")
    barrier_titles = {entry["id"]: entry["title_de"] for entry in section("example_barriers")}
    created = 0
    for number, entry in enumerate(section("example_pilots")):
        plan = PLAN.get(entry["id"])
        if plan is None:
            continue
        if PilotProject.objects.filter(is_demo=True, title=entry["title_de"]).exists():
            continue
        proposer = users.get(plan["proposer"]) or coordinator
        if proposer is None:
            stdout.write("pilots: demo users missing, skipping demo pilots")
            return []
        _seed_example(
            entry, plan, number, proposer, users, stages, materials, barrier_titles, coordinator
        )
        created += 1
    if created:
        stdout.write(f"pilots: {created} example pilots added")
    if scale:
        _seed_scale(scale, list(stages.values()), list(materials.values()), stdout)
    return []


def _seed_example(entry, plan, number, proposer, users, stages, materials, barrier_titles, coord):
    now = timezone.now()
    published_at = now - timedelta(days=plan["days"], hours=number)
    created_at = published_at - timedelta(days=7)
    status = plan["status"]
    funding = (entry.get("suggested_funding") or [""])[0]
    pilot = PilotProject.objects.create(
        title=entry["title_de"],
        summary=" ".join(entry["summary_de"].split()),
        objectives=(
            f"- Reifegrad von TRL {entry['trl']} auf TRL {entry['trl_target']} heben\n"
            f"- Ergebnisse und Kennzahlen im Thementisch Metall vorstellen\n"
            f"- Übertragbarkeit auf weitere Betriebe in NRW prüfen"
        ),
        strategy=entry["r_strategy"],
        trl_current=TRL(entry["trl"]),
        trl_target=TRL(entry["trl_target"]),
        funding_programme=funding,
        budget_range=plan["budget"],
        duration_months=plan["months"],
        planned_start=(published_at + timedelta(days=120)).date().replace(day=1),
        proposer=proposer,
        organisation=proposer.organisation,
        contact_person=proposer,
        status=status,
        published_at=published_at if status != S.DRAFT else None,
        seeking_until=published_at + LISTING_PERIOD if status == S.SEEKING_PARTNERS else None,
        is_demo=True,
        created_at=created_at,
    )
    PilotProject.objects.filter(pk=pilot.pk).update(updated_at=published_at)
    if entry.get("material") in materials:
        pilot.materials.set([materials[entry["material"]]])
    pilot.value_chain_stages.set([stages[s] for s in entry.get("stages", []) if s in stages])
    titles = [barrier_titles[key] for key in plan["barriers"] if key in barrier_titles]
    if titles:
        pilot.barriers.set(Barrier.objects.filter(title__in=titles))

    roles_sought = entry.get("partner_roles_sought_de", [])
    needs = []
    for role, stage, material, index, filled in plan["needs"]:
        organisation = _organisation(filled, users)
        needs.append(
            PartnerNeed.objects.create(
                pilot=pilot,
                role=role,
                stage=stages.get(stage) if stage else None,
                material=materials.get(material) if material else None,
                description=roles_sought[index] if index < len(roles_sought) else "",
                status=PartnerNeed.Status.FILLED if organisation else PartnerNeed.Status.OPEN,
                filled_by=organisation,
                filled_at=published_at + timedelta(days=14) if organisation else None,
                created_at=created_at,
            )
        )

    events = [
        PilotEvent(
            pilot=pilot, actor=proposer, kind="created", to_status=S.DRAFT, created_at=created_at
        )
    ]
    previous = S.DRAFT
    steps = PATHS.get(status, [])
    for step_number, step in enumerate(steps):
        at = published_at + timedelta(days=step_number * max(plan["days"], 30) // (len(steps) + 1))
        events.append(
            PilotEvent(
                pilot=pilot,
                actor=proposer,
                kind="published" if previous == S.DRAFT else "status",
                from_status=previous,
                to_status=step,
                created_at=at,
            )
        )
        previous = step

    for index, (email, need_index, state) in enumerate(plan["applications"]):
        applicant = users.get(email)
        if applicant is None or applicant.organisation is None:
            continue
        need = needs[need_index] if need_index is not None else None
        applied_at = published_at + timedelta(days=3 + index)
        decided = state != A.PENDING
        PilotApplication.objects.create(
            pilot=pilot,
            need=need,
            organisation=applicant.organisation,
            applicant=applicant,
            message=APPLICATION_MESSAGES[index % len(APPLICATION_MESSAGES)],
            status=state,
            decided_by=proposer if decided else None,
            decided_at=applied_at + timedelta(days=5) if decided else None,
            decision_note=(
                "Im Moment passt die Rolle leider nicht; gern beim nächsten Vorhaben."
                if state == A.DECLINED
                else ""
            ),
            created_at=applied_at,
        )
        if state == A.ACCEPTED:
            with translation.override("de"):
                role = need.get_role_display() if need else "Partner"
            events.append(
                PilotEvent(
                    pilot=pilot,
                    actor=proposer,
                    kind="partner_joined",
                    note=f"{applicant.organisation.name} tritt dem Konsortium bei als {role}.",
                    created_at=applied_at + timedelta(days=5),
                )
            )
    PilotEvent.objects.bulk_create(events)


def _organisation(filled: str | None, users: dict[str, User]) -> Organisation | None:
    if not filled:
        return None
    if "@" in filled:
        user = users.get(filled)
        return user.organisation if user else None
    return Organisation.objects.filter(name=filled).first()


def _seed_scale(scale: int, stages, materials, stdout) -> None:
    """`scale` units of 20 pilots with 60 partner needs, created once, by bulk inserts."""
    rng = random.Random(5)
    wanted = scale * PILOTS_PER_UNIT
    existing = PilotProject.objects.filter(title__startswith="Benchmark-Pilot ").count()
    if existing >= wanted:
        return
    proposers = list(
        User.objects.filter(email__endswith="@bench.example.org", organisation__isnull=False)
        .order_by("pk")
        .values_list("pk", "organisation_id")[:2000]
    ) or list(
        User.objects.filter(status=User.Status.APPROVED, organisation__isnull=False).values_list(
            "pk", "organisation_id"
        )[:50]
    )
    if not proposers:
        stdout.write("pilots: no members with an organisation, no bulk pilots")
        return
    now = timezone.now()
    statuses = [s for s in S.values if s != S.DRAFT]
    strategies = [f"R{n}" for n in range(10)]
    roles = PartnerRole.values
    pilots = []
    for number in range(existing, wanted):
        proposer_id, organisation_id = proposers[number % len(proposers)]
        status = statuses[number % len(statuses)]
        published = now - timedelta(days=rng.randint(1, 170), minutes=number)
        current = rng.randint(2, 7)
        pilots.append(
            PilotProject(
                title=f"Benchmark-Pilot {number + 1:05d}",
                summary="Automatisch erzeugter Pilot für Last- und Abfragetests.",
                strategy=strategies[number % len(strategies)],
                trl_current=current,
                trl_target=min(9, current + rng.randint(1, 2)),
                budget_range=BudgetRange.OPEN,
                proposer_id=proposer_id,
                organisation_id=organisation_id,
                contact_person_id=proposer_id,
                status=status,
                published_at=published,
                seeking_until=published + LISTING_PERIOD if status == S.SEEKING_PARTNERS else None,
                is_demo=True,
                created_at=published,
            )
        )
    created = PilotProject.objects.bulk_create(pilots, batch_size=1000)
    needs, material_links, stage_links, events = [], [], [], []
    for pilot in created:
        chosen_materials = rng.sample(materials, 2)
        chosen_stages = rng.sample(stages, 2)
        material_links += [
            PilotProject.materials.through(pilotproject_id=pilot.pk, material_id=m.pk)
            for m in chosen_materials
        ]
        stage_links += [
            PilotProject.value_chain_stages.through(
                pilotproject_id=pilot.pk, valuechainstage_id=s.pk
            )
            for s in chosen_stages
        ]
        for index in range(NEEDS_PER_PILOT):
            needs.append(
                PartnerNeed(
                    pilot_id=pilot.pk,
                    role=roles[(pilot.pk + index) % len(roles)],
                    stage_id=rng.choice(stages).pk,
                    material_id=rng.choice(chosen_materials).pk,
                    description="Partner für den Benchmark-Pilot gesucht.",
                    status=PartnerNeed.Status.OPEN if index else PartnerNeed.Status.FILLED,
                )
            )
        events.append(
            PilotEvent(
                pilot_id=pilot.pk,
                actor_id=pilot.proposer_id,
                kind="published",
                from_status=S.DRAFT,
                to_status=pilot.status,
                created_at=pilot.published_at,
            )
        )
    PartnerNeed.objects.bulk_create(needs, batch_size=2000)
    PilotProject.materials.through.objects.bulk_create(material_links, batch_size=5000)
    PilotProject.value_chain_stages.through.objects.bulk_create(stage_links, batch_size=5000)
    PilotEvent.objects.bulk_create(events, batch_size=2000)
    stdout.write(f"pilots: {len(created)} bulk pilots with {len(needs)} partner needs added")
