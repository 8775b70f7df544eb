"""Objects the benchmark measures that random bulk data may not contain.

A published barrier with exactly 50 comments and 200 endorsements, and an
upcoming meeting with 300 invitations the demo member is one of. Idempotent;
run by `make bench` after `seed_demo --scale`.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from barriers.models import Barrier, BarrierComment, Endorsement
from members.models import User
from sessions.models import Invitation, Meeting
from thementisch.models import Material, ValueChainStage

BARRIER_TITLE = "Benchmark-Schaufenster: Schrottexport bremst Sekundärrohstoffe"
MEETING_TITLE = "Benchmark-Schaufenster: Plenum mit 300 Eingeladenen"
MEMBER = "mitglied@example.org"


class Command(BaseCommand):
    help = "Create the showcase barrier and meeting the benchmark measures."

    @transaction.atomic
    def handle(self, *args, **options):
        people = list(
            User.objects.filter(email__endswith="@bench.example.org")
            .exclude(organisation__isnull=True)
            .order_by("pk")
            .values_list("pk", "organisation_id")[:400]
        )
        if len(people) < 300:
            raise CommandError("run seed_demo --scale 6 or more first (needs 300 bench members)")
        self.barrier(people)
        self.meeting(people)
        self.stdout.write("bench fixtures ready")

    def barrier(self, people):
        author_id, organisation_id = people[0]
        barrier, created = Barrier.objects.get_or_create(
            title=BARRIER_TITLE,
            defaults={
                "description": "Schrott und Späne verlassen die Region, weil die Einstufung "
                "als Abfall den Einsatz als Sekundärrohstoff bremst.",
                "status": Barrier.Status.PUBLISHED,
                "author_id": author_id,
                "organisation_id": organisation_id,
            },
        )
        if not created:
            return
        barrier.materials.set(Material.objects.filter(slug__in=["stahl", "aluminium"]))
        barrier.value_chain_stages.set(ValueChainStage.objects.filter(slug="schrotthandel"))
        endorsers = people[1:201]
        Endorsement.objects.bulk_create(
            Endorsement(barrier=barrier, user_id=user_id, organisation_id=org_id)
            for user_id, org_id in endorsers
        )
        BarrierComment.objects.bulk_create(
            BarrierComment(
                barrier=barrier,
                author_id=endorsers[index][0],
                body=f"Erfahrung Nr. {index + 1}: **gleiches Problem** bei uns, "
                "vor allem bei Mischschrotten.",
            )
            for index in range(50)
        )
        Barrier.objects.filter(pk=barrier.pk).update(
            endorsement_count=200,
            endorsing_organisation_count=len({org for _user, org in endorsers}),
            comment_count=50,
        )

    def meeting(self, people):
        start = (timezone.now() + timedelta(days=21)).replace(
            hour=10, minute=0, second=0, microsecond=0
        )
        meeting, created = Meeting.objects.get_or_create(
            title=MEETING_TITLE,
            defaults={
                "description": "Plenum für Lasttests.",
                "starts_at": start,
                "ends_at": start + timedelta(hours=4),
                "venue": "Haus der Technik, Essen",
                "online_url": "https://meet.example.org/plenum",
                "capacity": 250,
                "status": Meeting.Status.PUBLISHED,
            },
        )
        if not created:
            return
        member = User.objects.get(email=MEMBER)
        responses = ["yes", "yes", "maybe", "no", "pending"]
        now = timezone.now()
        rows = [Invitation(meeting=meeting, user=member, sequence_sent=0, invited_at=now)]
        for index, (user_id, _org) in enumerate(people[:299]):
            response = responses[index % len(responses)]
            rows.append(
                Invitation(
                    meeting=meeting,
                    user_id=user_id,
                    response=response,
                    responded_at=None if response == "pending" else now,
                    sequence_sent=0,
                    invited_at=now,
                )
            )
        Invitation.objects.bulk_create(rows)
