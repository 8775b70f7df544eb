"""Demo barriers: the twelve fictitious example barriers of the reference file,
spread over the workflow, and bulk barriers for benchmarks (`--scale`).

Written straight to the tables (no notifications are sent for demo content);
the counters are computed here and the search vector is filled by the
database trigger, also for bulk rows. Idempotent through `demo_key`.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from members.models import Organisation, User
from policy.models import PolicyItem
from thementisch import reference
from thementisch.models import Material, ValueChainStage

from .choices import Category, GovernanceLevel, NeedType, OnBehalf, RootCause, Severity
from .models import (
    Barrier,
    BarrierComment,
    BarrierEvent,
    Endorsement,
    OfficialResponse,
    Responsibility,
)
from .services import recount

S = Barrier.Status
BARRIERS_PER_UNIT = 200
ENDORSEMENTS_PER_UNIT = 1000
COMMENTS_PER_UNIT = 400
DEMO_MINISTRY = "Landesministerium für Wirtschaft und Kreislaufwirtschaft (Demo)"

NEED_FOR_CATEGORY = {
    Category.LEGAL: NeedType.REGULATORY,
    Category.ADMINISTRATION: NeedType.IMPLEMENTATION,
    Category.TECHNICAL: NeedType.RESEARCH,
    Category.MARKET: NeedType.MARKET,
    Category.DATA: NeedType.DATA,
    Category.INFRASTRUCTURE: NeedType.INFRASTRUCTURE,
    Category.COOPERATION: NeedType.IMPLEMENTATION,
    Category.FINANCING: NeedType.FINANCING,
    Category.SKILLS: NeedType.SKILLS,
    Category.STANDARDS: NeedType.STANDARDISATION,
}
ROOT_FOR_CATEGORY = {
    Category.LEGAL: RootCause.RULE,
    Category.ADMINISTRATION: RootCause.ADMINISTRATION,
    Category.MARKET: RootCause.MARKET,
    Category.FINANCING: RootCause.MARKET,
}

# key: (author email, final status, months ago, anonymous, on behalf, names)
PLAN = {
    "demo_b01": ("mitglied@example.org", S.PUBLISHED, 9, False, OnBehalf.OWN, ""),
    "demo_b02": ("forschung@example.org", S.MERGED, 8, False, OnBehalf.OWN, ""),
    "demo_b03": ("stahl@example.org", S.IN_REVIEW, 1, False, OnBehalf.OWN, ""),
    "demo_b04": ("stahl@example.org", S.RESOLVED, 10, False, OnBehalf.OWN, ""),
    "demo_b05": ("mitglied@example.org", S.PUBLISHED, 6, False, OnBehalf.OWN, ""),
    "demo_b06": ("verband@example.org", S.SUBMITTED, 0, False, OnBehalf.SEVERAL, ""),
    "demo_b07": ("mitglied@example.org", S.FORWARDED, 7, False, OnBehalf.OWN, ""),
    "demo_b08": (
        "verband@example.org",
        S.DEFERRED,
        5,
        False,
        OnBehalf.NAMED,
        "Sauerland Präzisionsschmiede GmbH",
    ),
    "demo_b09": ("mitglied@example.org", S.ANSWERED, 8, False, OnBehalf.OWN, ""),
    "demo_b10": ("forschung@example.org", S.FORWARDED, 4, False, OnBehalf.OWN, ""),
    "demo_b11": ("stahl@example.org", S.PUBLISHED, 3, True, OnBehalf.OWN, ""),
    "demo_b12": ("verband@example.org", S.PUBLISHED, 2, False, OnBehalf.OWN, ""),
}
MERGE = ("demo_b02", "demo_b12")
ENDORSERS = ["mitglied@example.org", "forschung@example.org", "verband@example.org",
             "stahl@example.org"]  # fmt: skip
COMMENTS = [
    "Das kennen wir aus unserem Betrieb genauso – bei uns dauert die Klärung im Schnitt "
    "drei Monate.",
    "Gibt es schon eine Stellungnahme des Fachverbands dazu? Wir würden uns anschließen.",
    "Ein Leitfaden der Landesbehörden würde hier viel helfen; wir können Praxisbeispiele "
    "beisteuern.",
]
RESPONSE = (
    "Das Ministerium prüft gemeinsam mit der NRW.BANK, ob sensorgestützte Sortierlinien "
    "für KMU in die Investitionsförderung aufgenommen werden können. Ein Fachgespräch mit "
    "dem Thementisch ist für das nächste Quartal vorgesehen. *(Demo-Antwort)*"
)


def seed(*, scale: int, stdout) -> list[str]:
    users = {u.email: u for u in User.objects.filter(email__endswith="@example.org")}
    coordinator = users.get("koordination@example.org")
    ministry_user = users.get("ministerium@example.org")
    ministry = Organisation.objects.filter(name=DEMO_MINISTRY).first()
    if ministry is not None:
        Responsibility.objects.get_or_create(organisation=ministry, level=GovernanceLevel.NRW)
    created = _seed_examples(users, coordinator, ministry_user, ministry)
    stdout.write(f"barriers: {created} example barriers added")
    if scale:
        _seed_scale(scale, stdout)
    return []


def _policy_lookup(ids: list[str]) -> list[PolicyItem]:
    """Policy items by their reference id, whichever field the radar keeps it in."""
    if not ids:
        return []
    names = {f.name for f in PolicyItem._meta.get_fields()}
    for field in ("reference_id", "ref_id", "key", "external_id", "code"):
        if field in names:
            found = list(PolicyItem.objects.filter(**{f"{field}__in": ids}))
            if found:
                return found
    slugs = set(ids) | {i.replace("_", "-") for i in ids}
    return list(PolicyItem.objects.filter(slug__in=slugs))


def _seed_examples(users, coordinator, ministry_user, ministry) -> int:
    examples = {b["id"]: b for b in reference.section("example_barriers")}
    existing = set(
        Barrier.objects.filter(demo_key__in=list(PLAN)).values_list("demo_key", flat=True)
    )
    if len(existing) == len(PLAN):
        return 0
    materials = {m.slug: m for m in Material.objects.all()}
    stages = {s.slug: s for s in ValueChainStage.objects.all()}
    now = timezone.now()
    today = timezone.localdate()
    barriers: dict[str, Barrier] = {}
    for key, (email, status, months, anonymous, on_behalf, names) in PLAN.items():
        if key in existing:
            continue
        example = examples[key]
        author = users.get(email)
        created_at = now - timedelta(days=30 * months + 3)
        category = example["category"]
        policies = _policy_lookup(example.get("related_policies") or [])
        barrier = Barrier.objects.create(
            title=example["title_de"],
            description=example["description_de"],
            category=category,
            subcategory=example.get("subcategory", ""),
            need_type=NEED_FOR_CATEGORY.get(category, NeedType.REGULATORY),
            level=example["level"],
            root_cause=ROOT_FOR_CATEGORY.get(category, RootCause.UNKNOWN),
            severity=Severity.SERIOUS if months % 2 else Severity.NOTICEABLE,
            policy_item=policies[0] if policies else None,
            regulation_text="" if policies else ", ".join(example.get("related_policies") or []),
            author=author,
            organisation=author.organisation if author else None,
            is_anonymous=anonymous,
            on_behalf=on_behalf,
            on_behalf_names=names,
            is_demo=True,
            demo_key=key,
            created_at=created_at,
            status=status,
            status_changed_at=created_at + timedelta(days=20),
        )
        if example.get("material") in materials:
            barrier.materials.set([materials[example["material"]]])
        if example.get("stage") in stages:
            barrier.value_chain_stages.set([stages[example["stage"]]])
        barriers[key] = barrier
        _history(barrier, author, coordinator, status, created_at)

    if "demo_b07" in barriers:
        _forward(barriers["demo_b07"], GovernanceLevel.FEDERAL, None, today - timedelta(days=10))
    if "demo_b10" in barriers:
        _forward(barriers["demo_b10"], GovernanceLevel.NRW, ministry, today + timedelta(days=21))
    if "demo_b09" in barriers:
        barrier = barriers["demo_b09"]
        _forward(barrier, GovernanceLevel.NRW, ministry, today - timedelta(days=40))
        answered = now - timedelta(days=45)
        OfficialResponse.objects.create(
            barrier=barrier,
            author=ministry_user,
            organisation=ministry,
            body=RESPONSE,
            created_at=answered,
        )
        Barrier.objects.filter(pk=barrier.pk).update(answered_at=answered)

    for key, barrier in barriers.items():
        if barrier.status in (S.SUBMITTED, S.IN_REVIEW, S.MERGED):
            continue
        endorsers = [users[e] for e in ENDORSERS if e in users and users[e] != barrier.author]
        for index, person in enumerate(endorsers[: 1 + int(key[-2:]) % 4]):
            Endorsement.objects.create(
                barrier=barrier,
                user=person,
                organisation=person.organisation,
                note="Betrifft uns in gleicher Weise." if index == 0 else "",
                created_at=barrier.created_at + timedelta(days=25 + index),
            )
        for index, text in enumerate(COMMENTS[: int(key[-2:]) % 3]):
            writer = endorsers[index % len(endorsers)] if endorsers else None
            BarrierComment.objects.create(
                barrier=barrier,
                author=writer,
                body=text,
                created_at=barrier.created_at + timedelta(days=26 + index),
            )
    if "demo_b11" in barriers:
        # The anonymous submitter answers in the discussion: shown as "the submitter".
        barrier = barriers["demo_b11"]
        BarrierComment.objects.create(
            barrier=barrier,
            author=barrier.author,
            body="Ergänzung: Betroffen sind bei uns rund 8.000 t Gießereirestsand pro Jahr.",
            hide_author=True,
            created_at=barrier.created_at + timedelta(days=30),
        )

    source, target = barriers.get(MERGE[0]), barriers.get(MERGE[1])
    if source and target:
        Barrier.objects.filter(pk=source.pk).update(merged_into=target)
        BarrierEvent.objects.create(
            barrier=target,
            actor=coordinator,
            kind="merged_from",
            note=f"← #{source.pk} {source.title}",
            created_at=now - timedelta(days=20),
        )
    for barrier in barriers.values():
        recount(barrier)
    return len(barriers)


def _history(barrier, author, coordinator, status, created_at) -> None:
    """Timeline entries along the workflow up to `status`."""
    steps = {
        S.SUBMITTED: [],
        S.IN_REVIEW: [S.IN_REVIEW],
        S.PUBLISHED: [S.IN_REVIEW, S.PUBLISHED],
        S.FORWARDED: [S.IN_REVIEW, S.PUBLISHED, S.FORWARDED],
        S.ANSWERED: [S.IN_REVIEW, S.PUBLISHED, S.FORWARDED, S.ANSWERED],
        S.RESOLVED: [S.IN_REVIEW, S.PUBLISHED, S.FORWARDED, S.ANSWERED, S.RESOLVED],
        S.DEFERRED: [S.IN_REVIEW, S.PUBLISHED, S.DEFERRED],
        S.MERGED: [S.IN_REVIEW, S.PUBLISHED, S.MERGED],
    }[status]
    events = [
        BarrierEvent(
            barrier=barrier,
            actor=author,
            kind="submitted",
            to_status=S.SUBMITTED,
            created_at=created_at,
        )
    ]
    previous = S.SUBMITTED
    for index, step in enumerate(steps, start=1):
        kind = "merged" if step == S.MERGED else "status"
        actor = coordinator
        events.append(
            BarrierEvent(
                barrier=barrier,
                actor=actor,
                kind=kind,
                from_status=previous,
                to_status=step,
                note="Demo-Verlauf" if index == 1 else "",
                created_at=created_at + timedelta(days=4 * index),
            )
        )
        previous = step
    BarrierEvent.objects.bulk_create(events)


def _forward(barrier, level, ministry, answer_by) -> None:
    Barrier.objects.filter(pk=barrier.pk).update(
        forwarded_level=level,
        forwarded_to=ministry,
        forwarded_at=barrier.created_at + timedelta(days=12),
        answer_by=answer_by,
    )


# --- benchmark data ------------------------------------------------------------------

WORDS = ["Schrott", "Aluminium", "Kupfer", "Stahl", "Schlacke", "Genehmigung", "Abfallende",
         "Nachweis", "Verbringung", "Sortierung", "Rezyklat", "Förderung", "Daten", "Norm",
         "Legierung", "Batterie", "Zink", "Logistik", "Fachkräfte", "Energiekosten"]  # fmt: skip


def _seed_scale(scale: int, stdout) -> None:
    """`scale` units of 200 barriers, 1,000 endorsements and 400 comments (bulk inserts)."""
    rng = random.Random(4242)
    wanted = scale * BARRIERS_PER_UNIT
    existing = Barrier.objects.filter(demo_key__startswith="bench-").count()
    if existing >= wanted:
        return
    people = list(
        User.objects.filter(status=User.Status.APPROVED, role=User.Role.MEMBER)
        .exclude(organisation__isnull=True)
        .values_list("pk", "organisation_id")
    )
    if len(people) < 6:
        stdout.write("barriers: too few members for bulk barriers (run members first)")
        return
    materials = list(Material.objects.values_list("pk", flat=True))
    stages = list(ValueChainStage.objects.values_list("pk", flat=True))
    categories = list(Category.values)
    levels = list(GovernanceLevel.values)
    statuses = [S.PUBLISHED] * 5 + [S.SUBMITTED, S.IN_REVIEW, S.FORWARDED, S.ANSWERED,
                                     S.RESOLVED, S.DEFERRED, S.REJECTED]  # fmt: skip
    now = timezone.now()
    per_barrier_endorsements = ENDORSEMENTS_PER_UNIT // BARRIERS_PER_UNIT
    per_barrier_comments = COMMENTS_PER_UNIT / BARRIERS_PER_UNIT
    rows = []
    plans = []
    for number in range(existing, wanted):
        author, organisation = people[number % len(people)]
        words = rng.sample(WORDS, 4)
        category = categories[number % len(categories)]
        status = statuses[number % len(statuses)]
        endorsers = rng.sample(
            [p for p in people if p[0] != author], min(per_barrier_endorsements, len(people) - 1)
        )
        comments = int(per_barrier_comments) + (1 if rng.random() < per_barrier_comments % 1 else 0)
        created_at = now - timedelta(days=rng.randint(0, 540), minutes=number % 1440)
        rows.append(
            Barrier(
                title=f"{words[0]}: {words[1]} und {words[2]} (Benchmark {number:06d})",
                description=(
                    f"Benchmark-Hemmnis zu {words[0]}, {words[1]}, {words[2]} und {words[3]}. "
                    "Fiktiver Inhalt für Lasttests des Portals."
                ),
                category=category,
                need_type=NEED_FOR_CATEGORY[category],
                level=levels[number % len(levels)],
                root_cause=RootCause.values[number % len(RootCause.values)],
                severity=1 + number % 4,
                author_id=author,
                organisation_id=organisation,
                is_anonymous=number % 17 == 0,
                status=status,
                is_demo=True,
                demo_key=f"bench-{number:06d}",
                created_at=created_at,
                status_changed_at=created_at,
                endorsement_count=len(endorsers),
                endorsing_organisation_count=len({org for _pk, org in endorsers}),
                comment_count=comments,
                forwarded_level=levels[number % len(levels)] if status == S.FORWARDED else "",
                answer_by=(now + timedelta(days=rng.randint(-30, 60))).date()
                if status == S.FORWARDED
                else None,
            )
        )
        plans.append((endorsers, comments, created_at))
    Barrier.objects.bulk_create(rows, batch_size=1000)
    created = list(
        Barrier.objects.filter(demo_key__in=[row.demo_key for row in rows])
        .order_by("demo_key")
        .values_list("pk", flat=True)
    )
    material_links, stage_links, endorsements, comments = [], [], [], []
    for pk, (endorsers, comment_count, created_at) in zip(created, plans, strict=True):
        material_links.append(
            Barrier.materials.through(barrier_id=pk, material_id=rng.choice(materials))
        )
        stage_links.append(
            Barrier.value_chain_stages.through(barrier_id=pk, valuechainstage_id=rng.choice(stages))
        )
        for user_id, organisation_id in endorsers:
            endorsements.append(
                Endorsement(
                    barrier_id=pk,
                    user_id=user_id,
                    organisation_id=organisation_id,
                    created_at=created_at + timedelta(days=1),
                )
            )
        for index in range(comment_count):
            comments.append(
                BarrierComment(
                    barrier_id=pk,
                    author_id=endorsers[index % len(endorsers)][0] if endorsers else None,
                    body=COMMENTS[index % len(COMMENTS)],
                    created_at=created_at + timedelta(days=2 + index),
                )
            )
    Barrier.materials.through.objects.bulk_create(material_links, batch_size=5000)
    Barrier.value_chain_stages.through.objects.bulk_create(stage_links, batch_size=5000)
    Endorsement.objects.bulk_create(endorsements, batch_size=5000)
    BarrierComment.objects.bulk_create(comments, batch_size=5000)
    stdout.write(
        f"barriers: {len(rows)} bulk barriers, {len(endorsements)} endorsements and "
        f"{len(comments)} comments added"
    )
