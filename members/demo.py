"""Demo organisations and logins (fictitious), and bulk members for benchmarks."""

from __future__ import annotations

import random

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from thementisch.models import LegalInformation, Material, ValueChainStage

from .models import Organisation, OrganisationType, User
from .services import unique_slug

DEMO_PASSWORD = "thementisch-demo"  # noqa: S105 -- documented demo login, refused without DEBUG

# name, type, city, stages, materials (all fictitious)
DEMO_ORGANISATIONS = [
    ("Neue Effizienz gemeinnützige GmbH", OrganisationType.INTERMEDIARY, "Wuppertal", [], []),
    ("Rhein-Ruhr Metallrecycling GmbH", OrganisationType.SME, "Duisburg",
     ["sortierung_aufbereitung", "schrotthandel"], ["aluminium", "kupfer", "stahl"]),
    ("Westfalen Stahl AG", OrganisationType.LARGE_COMPANY, "Dortmund",
     ["primaererzeugung", "sekundaererzeugung", "halbzeugherstellung"], ["stahl", "edelstahl"]),
    ("Verband Metallkreislauf NRW e. V.", OrganisationType.ASSOCIATION, "Düsseldorf",
     ["metallverarbeitung", "halbzeugherstellung"], ["stahl", "aluminium", "kupfer", "zink"]),
    ("Institut für Metallurgie und Recycling, Hochschule Ruhr", OrganisationType.RESEARCH,
     "Bochum", ["sekundaererzeugung", "sortierung_aufbereitung"],
     ["aluminium", "seltene_erden", "batteriemetalle_mix"]),
    ("Landesministerium für Wirtschaft und Kreislaufwirtschaft (Demo)",
     OrganisationType.MINISTRY, "Düsseldorf", [], []),
    ("Netzwerk Circular Metals NRW", OrganisationType.INTERMEDIARY, "Essen",
     ["wiedereinsatz"], ["stahl", "kupfer"]),
    ("Sauerland Präzisionsschmiede GmbH", OrganisationType.SME, "Lüdenscheid",
     ["metallverarbeitung", "halbzeugherstellung"], ["stahl", "kupfer"]),
    ("Prüfinstitut Sekundärrohstoffe (Demo)", OrganisationType.OTHER, "Köln",
     ["sortierung_aufbereitung"], ["legierungen_mischschrotte"]),
]  # fmt: skip

# email, first, last, position, organisation, role, status, description
DEMO_USERS = [
    ("koordination@example.org", "Katrin", "Kordes", "Koordination Thementisch Metall",
     "Neue Effizienz gemeinnützige GmbH", User.Role.COORDINATOR, User.Status.APPROVED,
     "coordinator (admin at /admin/)"),
    ("ministerium@example.org", "Matthias", "Brenner", "Referat Kreislaufwirtschaft",
     "Landesministerium für Wirtschaft und Kreislaufwirtschaft (Demo)", User.Role.MINISTRY,
     User.Status.APPROVED, "ministry member"),
    ("mitglied@example.org", "Mira", "Schäfer", "Geschäftsführerin",
     "Rhein-Ruhr Metallrecycling GmbH", User.Role.MEMBER, User.Status.APPROVED,
     "member (SME recycler)"),
    ("forschung@example.org", "Felix", "Hartmann", "Gruppenleiter Metallrecycling",
     "Institut für Metallurgie und Recycling, Hochschule Ruhr", User.Role.MEMBER,
     User.Status.APPROVED, "member (research institute)"),
    ("verband@example.org", "Vera", "Lindner", "Referentin Umwelt und Rohstoffe",
     "Verband Metallkreislauf NRW e. V.", User.Role.MEMBER, User.Status.APPROVED,
     "member (industry association)"),
    ("wartend@example.org", "Wolfgang", "Adler", "Leiter Produktion",
     "Sauerland Präzisionsschmiede GmbH", User.Role.MEMBER, User.Status.PENDING,
     "pending approval"),
    ("stahl@example.org", "Stefan", "Krämer", "Leiter Nachhaltigkeit", "Westfalen Stahl AG",
     User.Role.MEMBER, User.Status.APPROVED, "member (large steel company)"),
]  # fmt: skip

# One scale unit of bulk data.
ORGANISATIONS_PER_UNIT = 3
MEMBERS_PER_UNIT = 50

FIRST_NAMES = ["Anna", "Ben", "Clara", "David", "Elif", "Frank", "Greta", "Hakan", "Ines",
               "Jonas", "Katharina", "Lukas", "Marie", "Nils", "Olga", "Paul", "Rana", "Sven",
               "Tanja", "Uwe"]  # fmt: skip
LAST_NAMES = ["Becker", "Demir", "Fischer", "Hoffmann", "Jansen", "Klein", "Lange", "Meyer",
              "Neumann", "Özdemir", "Peters", "Richter", "Schmitz", "Vogel", "Weber", "Yilmaz",
              "Zimmermann", "Krüger", "Schulte", "Wagner"]  # fmt: skip
CITIES = ["Aachen", "Bielefeld", "Bochum", "Bonn", "Dortmund", "Duisburg", "Düsseldorf",
          "Essen", "Hagen", "Iserlohn", "Köln", "Krefeld", "Münster", "Siegen",
          "Wuppertal"]  # fmt: skip


def seed(*, scale: int, stdout) -> list[str]:
    stages = {stage.slug: stage for stage in ValueChainStage.objects.all()}
    materials = {material.slug: material for material in Material.objects.all()}
    organisations = {}
    for name, kind, city, stage_slugs, material_slugs in DEMO_ORGANISATIONS:
        organisation, created = Organisation.objects.get_or_create(
            name=name,
            defaults={"kind": kind, "city": city, "slug": unique_slug(name), "is_demo": True},
        )
        if created:
            organisation.value_chain_stages.set([stages[s] for s in stage_slugs])
            organisation.materials.set([materials[m] for m in material_slugs])
        organisations[name] = organisation

    password = make_password(DEMO_PASSWORD)
    for email, first, last, position, organisation, role, status, _description in DEMO_USERS:
        user, created = User.objects.get_or_create(
            email=email,
            defaults={
                "first_name": first,
                "last_name": last,
                "position": position,
                "organisation": organisations[organisation],
                "role": role,
                "status": status,
                "is_staff": role == User.Role.COORDINATOR,
                "is_superuser": role == User.Role.COORDINATOR,
                "password": password,
                "privacy_consent_at": timezone.now(),
                "status_changed_at": timezone.now() if status == User.Status.APPROVED else None,
                "is_demo": True,
            },
        )
        if created:
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
            if email == "mitglied@example.org":
                user.materials.set([materials["aluminium"], materials["kupfer"]])
                user.value_chain_stages.set([stages["sortierung_aufbereitung"]])

    info = LegalInformation.current()
    if not info.street:
        info.street = "Musterstraße 1 (Demo-Angabe)"
        info.postal_code = "42103"
        info.city = "Wuppertal"
        info.email = "kontakt@example.org"
        info.represented_by = "Geschäftsführung (Demo-Angabe)"
        info.save()

    if scale:
        _seed_scale(scale, password, list(stages.values()), list(materials.values()), stdout)

    lines = [f"\nDemo logins (password: {DEMO_PASSWORD}):"]
    lines += [f"  {email:<28} {description}" for email, *_rest, description in DEMO_USERS]
    return lines


def _seed_scale(scale: int, password: str, stages, materials, stdout) -> None:
    """Bulk organisations and approved members: `scale` units, created once."""
    rng = random.Random(42)
    wanted_orgs = scale * ORGANISATIONS_PER_UNIT
    existing = Organisation.objects.filter(slug__startswith="bench-org-").count()
    kinds = list(OrganisationType.values)
    new_orgs = [
        Organisation(
            name=f"Bench Organisation {number:05d}",
            slug=f"bench-org-{number:05d}",
            kind=kinds[number % len(kinds)],
            city=rng.choice(CITIES),
            is_demo=True,
        )
        for number in range(existing, wanted_orgs)
    ]
    Organisation.objects.bulk_create(new_orgs, batch_size=1000)
    orgs = list(Organisation.objects.filter(slug__startswith="bench-org-").order_by("slug"))
    if new_orgs:
        stage_links = [
            Organisation.value_chain_stages.through(
                organisation_id=org.pk, valuechainstage_id=stage.pk
            )
            for org in orgs[existing:]
            for stage in rng.sample(stages, 2)
        ]
        material_links = [
            Organisation.materials.through(organisation_id=org.pk, material_id=material.pk)
            for org in orgs[existing:]
            for material in rng.sample(materials, 2)
        ]
        Organisation.value_chain_stages.through.objects.bulk_create(stage_links, batch_size=5000)
        Organisation.materials.through.objects.bulk_create(material_links, batch_size=5000)

    wanted_members = scale * MEMBERS_PER_UNIT
    existing_members = User.objects.filter(email__endswith="@bench.example.org").count()
    now = timezone.now()
    new_users = [
        User(
            email=f"member{number:06d}@bench.example.org",
            first_name=FIRST_NAMES[number % len(FIRST_NAMES)],
            last_name=LAST_NAMES[(number // len(FIRST_NAMES)) % len(LAST_NAMES)],
            organisation=orgs[number % len(orgs)],
            position="Referent*in",
            status=User.Status.APPROVED,
            role=User.Role.MEMBER,
            password=password,
            privacy_consent_at=now,
            status_changed_at=now,
            show_in_directory=number % 5 != 0,
            is_demo=True,
        )
        for number in range(existing_members, wanted_members)
    ]
    User.objects.bulk_create(new_users, batch_size=1000)
    if new_users:
        created = User.objects.filter(email__in=[u.email for u in new_users])
        EmailAddress.objects.bulk_create(
            [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in created],
            batch_size=1000,
        )
        interest_links = [
            User.materials.through(user_id=u.pk, material_id=rng.choice(materials).pk)
            for u in created
        ]
        User.materials.through.objects.bulk_create(interest_links, batch_size=5000)
    stdout.write(f"members: {len(new_orgs)} organisations and {len(new_users)} members added")
