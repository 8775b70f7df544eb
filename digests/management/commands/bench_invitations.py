"""Time queuing the invitations (with their iCalendar parts) of one big meeting.

Creates a published meeting for N bench members, then does what the workers
do for it: create the invitations and queue one mail per invitee in chunks,
each with its ICS. Everything runs in one transaction that is rolled back,
so nothing is sent and the database stays as it was. Prints one line.
"""

import time
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from members.models import User
from sessions import services
from sessions.models import Meeting
from thementisch.models import OutgoingEmail


class Command(BaseCommand):
    help = "Time queuing N invitations with ICS for one meeting (rolled back)."

    def add_arguments(self, parser):
        parser.add_argument("--invitees", type=int, default=5000)

    def handle(self, *args, invitees: int, **options):
        members = list(
            User.objects.filter(email__endswith="@bench.example.org")
            .order_by("pk")
            .values_list("pk", flat=True)[:invitees]
        )
        if len(members) < invitees:
            raise CommandError(f"only {len(members)} bench members; run seed_demo --scale more")
        start = timezone.now() + timedelta(days=30)
        with transaction.atomic():
            meeting = Meeting.objects.create(
                title="Benchmark: Einladungen",
                description="Lasttest",
                starts_at=start,
                ends_at=start + timedelta(hours=2),
                venue="Essen",
                status=Meeting.Status.PUBLISHED,
            )
            meeting.audience_members.set(members)
            began = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                services.create_invitations(meeting)
                ids = list(meeting.invitations.order_by("pk").values_list("pk", flat=True))
                for offset in range(0, len(ids), services.CHUNK):
                    services.mail_chunk(
                        meeting, ids[offset : offset + services.CHUNK], kind="invite"
                    )
            elapsed = time.perf_counter() - began
            queued = OutgoingEmail.objects.filter(topic=f"meeting:{meeting.pk}").count()
            with_ics = OutgoingEmail.objects.filter(
                topic=f"meeting:{meeting.pk}", parts__0__method="REQUEST"
            ).count()
            transaction.set_rollback(True)
        self.stdout.write(
            f"{invitees} invitees: {elapsed:.1f} s to queue {queued} invitations "
            f"({with_ics} with ICS), {len(queries)} queries"
        )
