"""Demo meetings: a past plenary with minutes, an upcoming workshop, a site visit.

Idempotent (meetings are found by title); invitations are written in bulk
without mail, as if they had been sent. `--scale` adds 3 meetings with 300
invitations per unit.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.utils import timezone

from barriers.models import Barrier
from members.models import User
from pilots.models import PilotProject

from . import services
from .models import AgendaItem, Document, Invitation, Meeting

BERLIN = ZoneInfo("Europe/Berlin")
DEMO_MEMBER = "mitglied@example.org"
MEETINGS_PER_UNIT = 3
INVITATIONS_PER_UNIT = 300

# A minimal valid PDF (one empty page) for the demo document.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)

MINUTES = """**Anwesend:** 24 Mitglieder, 2 Gäste aus dem Landesministerium.

1. Die Koordination berichtet über die neuen EU-Vorgaben zum Abfallende von Metallschrott.
2. Die Arbeitsgruppe „Schrottqualität“ legt bis zum nächsten Plenum ein Positionspapier vor.
3. Das Pilotprojekt zur sensorgestützten Sortierung sucht noch zwei Partner aus der Aufbereitung.

**Nächstes Plenum:** im Frühjahr, Einladung folgt.
"""


def _at(days: int, hour: int, minute: int = 0) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return datetime.combine(day, time(hour, minute), tzinfo=BERLIN)


def _users_by_email() -> dict[str, User]:
    return {
        user.email: user
        for user in User.objects.filter(is_demo=True, is_active=True, status=User.Status.APPROVED)
    }


def seed(*, scale: int, stdout) -> list[str]:
    users = _users_by_email()
    member = users.get(DEMO_MEMBER)
    coordinator = users.get("koordination@example.org")
    created = 0

    plenary, new = Meeting.objects.get_or_create(
        title="Plenum Herbst: Abfallende und Schrottqualität",
        is_demo=True,
        defaults={
            "kind": Meeting.Kind.PLENARY,
            "description": "Das Herbstplenum des Thementischs Metall: aktuelle Regulierung, "
            "Berichte aus den Arbeitsgruppen und die Pilotprojekte.",
            "starts_at": _at(-21, 10),
            "ends_at": _at(-21, 15, 30),
            "venue": "Haus der Technik\nHollestraße 1\n45127 Essen",
            "status": Meeting.Status.PUBLISHED,
            "minutes": MINUTES,
            "minutes_published_at": timezone.now() - timedelta(days=18),
            "created_by": coordinator,
        },
    )
    if new:
        created += 1
        barrier = Barrier.objects.order_by("pk").first()
        pilot = PilotProject.objects.order_by("pk").first()
        items = AgendaItem.objects.bulk_create(
            [
                AgendaItem(meeting=plenary, order=1, time=time(10, 0), title="Begrüßung",
                           speaker="Koordination Thementisch Metall"),
                AgendaItem(meeting=plenary, order=2, time=time(10, 30),
                           title="EU-Kriterien für das Abfallende von Metallschrott",
                           speaker="Landesministerium (Demo)", barrier=barrier),
                AgendaItem(meeting=plenary, order=3, time=time(13, 0),
                           title="Pilotprojekte: Stand und Partnersuche", pilot=pilot),
                AgendaItem(meeting=plenary, order=4, time=time(15, 0), title="Verschiedenes"),
            ]
        )  # fmt: skip
        services.record_outcome(
            items[1], outcome="Positionspapier bis zum Frühjahrsplenum.", by=coordinator
        )
        services.record_outcome(
            items[2], outcome="Zwei weitere Partner aus der Aufbereitung gesucht.", by=coordinator
        )
        document = Document(
            meeting=plenary,
            kind=Document.Kind.SLIDES,
            title="Folien Abfallende",
            original_name="Folien Abfallende.pdf",
            size=len(DEMO_PDF),
            uploaded_by=coordinator,
        )
        document.file.save("folien.pdf", ContentFile(DEMO_PDF), save=False)
        document.save()
        _invite(plenary, users.values(), answers={}, default="yes", attended=True)

    workshop, new = Meeting.objects.get_or_create(
        title="Workshop: Sortierung von Aluminiumschrott",
        is_demo=True,
        defaults={
            "kind": Meeting.Kind.WORKSHOP,
            "description": "Wie gelingt sortenreines Aluminium-Recycling? Erfahrungen mit "
            "Röntgen- und LIBS-Sortierung, mit Besuch der Technikumsanlage.",
            "starts_at": _at(14, 9, 30),
            "ends_at": _at(14, 13),
            "venue": "Institut für Metallurgie und Recycling\nUniversitätsstraße 150\n44801 Bochum",
            "online_url": "https://meet.example.org/thementisch-workshop",
            "capacity": 3,
            "rsvp_deadline": _at(10, 18),
            "status": Meeting.Status.PUBLISHED,
            "created_by": coordinator,
        },
    )
    if new:
        created += 1
        AgendaItem.objects.bulk_create(
            [
                AgendaItem(meeting=workshop, order=1, time=time(9, 30),
                           title="Impuls: Stand der Sortiertechnik",
                           speaker="Hochschule Ruhr (Demo)"),
                AgendaItem(meeting=workshop, order=2, time=time(10, 30),
                           title="Praxisberichte aus der Aufbereitung"),
                AgendaItem(meeting=workshop, order=3, time=time(12, 0), title="Technikumsrundgang"),
            ]
        )  # fmt: skip
        _invite(
            workshop,
            users.values(),
            answers={
                "forschung@example.org": Invitation.Response.YES,
                "verband@example.org": Invitation.Response.YES,
                "stahl@example.org": Invitation.Response.YES,
                "ministerium@example.org": Invitation.Response.WAITLISTED,
                "koordination@example.org": Invitation.Response.NO,
            },
        )

    visit, new = Meeting.objects.get_or_create(
        title="Vor-Ort-Besuch: Elektrostahlwerk",
        is_demo=True,
        defaults={
            "kind": Meeting.Kind.SITE_VISIT,
            "description": "Besichtigung eines Elektrostahlwerks mit hohem Schrotteinsatz. "
            "Festes Schuhwerk mitbringen; Schutzausrüstung wird gestellt.",
            "starts_at": _at(35, 13),
            "ends_at": _at(35, 17),
            "venue": "Westfalen Stahl AG (Demo)\nHafenstraße 10\n44147 Dortmund",
            "capacity": 20,
            "rsvp_deadline": _at(28, 12),
            "status": Meeting.Status.PUBLISHED,
            "created_by": coordinator,
        },
    )
    if new:
        created += 1
        _invite(visit, [u for u in users.values() if u.email in (DEMO_MEMBER, "stahl@example.org")],
                answers={"stahl@example.org": Invitation.Response.YES})  # fmt: skip

    if member is not None:
        for meeting in (plenary, workshop, visit):
            _invite(meeting, [member], answers={})

    if scale:
        _seed_scale(scale, stdout)
    if created:
        stdout.write(f"meetings: {created} demo meetings added")
    return []


def _invite(meeting: Meeting, users, *, answers: dict, default: str = "pending", attended=None):
    """Invitations as if sent (no mail), with the given answers; existing ones stay."""
    now = timezone.now()
    rows = []
    for order, user in enumerate(users):
        response = answers.get(user.email, default)
        rows.append(
            Invitation(
                meeting=meeting,
                user=user,
                response=response,
                responded_at=None if response == Invitation.Response.PENDING else now,
                waitlisted_at=now + timedelta(seconds=order)
                if response == Invitation.Response.WAITLISTED
                else None,
                sequence_sent=meeting.sequence,
                invited_at=now,
                attended=attended if response == Invitation.Response.YES else None,
            )
        )
    Invitation.objects.bulk_create(rows, ignore_conflicts=True)


def _seed_scale(scale: int, stdout) -> None:
    """Bulk meetings for benchmarks: 3 per unit, 300 invitations per unit."""
    rng = random.Random(7)
    wanted = scale * MEETINGS_PER_UNIT
    existing = Meeting.objects.filter(title__startswith="Bench-Sitzung ").count()
    if existing >= wanted:
        return
    per_meeting = INVITATIONS_PER_UNIT // MEETINGS_PER_UNIT
    kinds = list(Meeting.Kind.values)
    meetings = []
    for number in range(existing, wanted):
        start = _at(rng.randint(-365, 180), rng.choice([9, 10, 13, 14]))
        meetings.append(
            Meeting(
                title=f"Bench-Sitzung {number:05d}",
                kind=kinds[number % len(kinds)],
                description="Sitzung für Lasttests.",
                starts_at=start,
                ends_at=start + timedelta(hours=3),
                venue="Bench-Ort, Essen",
                capacity=rng.choice([None, 50, 80]),
                status=Meeting.Status.PUBLISHED,
                is_demo=True,
            )
        )
    Meeting.objects.bulk_create(meetings, batch_size=1000)
    meetings = list(
        Meeting.objects.filter(title__startswith="Bench-Sitzung ").order_by("title")[existing:]
    )
    member_ids = list(
        User.objects.filter(email__endswith="@bench.example.org").values_list("pk", flat=True)
    )
    responses = ["yes", "yes", "no", "maybe", "pending"]
    now = timezone.now()
    rows = []
    for index, meeting in enumerate(meetings):
        count_members = min(per_meeting, len(member_ids))
        offset = (index * per_meeting) % max(1, len(member_ids))
        chosen = [member_ids[(offset + i) % len(member_ids)] for i in range(count_members)]
        for position in range(per_meeting):
            response = rng.choice(responses)
            common = {
                "meeting": meeting,
                "response": response,
                "responded_at": None if response == "pending" else now,
                "sequence_sent": 0,
                "invited_at": now,
            }
            if position < len(chosen):
                rows.append(Invitation(user_id=chosen[position], **common))
            else:
                rows.append(
                    Invitation(
                        email=f"gast{meeting.pk}-{position}@bench.example.org",
                        name=f"Gast {position}",
                        **common,
                    )
                )
    Invitation.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    stdout.write(f"meetings: {len(meetings)} bench meetings with {len(rows)} invitations added")
