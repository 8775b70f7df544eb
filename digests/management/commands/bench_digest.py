"""Measure composing and queuing the weekly digest for N members.

Uses the data of `seed_demo --scale` (run it first). If fewer than N
approved members exist, the missing ones are created in bulk (kept, like
the seed's members, with interests, organisations and a mix of German and
English). One member in ten gets a pending notification kept for the digest.
Then the current weekly edition is composed for N members exactly as the
beat task does (`digests.services.compose_digests`), inside a transaction
that is rolled back afterwards (nothing is sent, the command can be repeated;
`--keep` commits the rows instead).

The last line of the output is the result, e.g.
`10000 members: 31.2 s compose, 42 queries, 9876 digests queued`
(time and queries from loading the content to the rows stored in the outbox).
"""

from __future__ import annotations

import random
import time

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from digests import services
from digests.periods import WEEKLY, current_period
from members.models import Notification, Organisation, User
from thementisch.models import Material, ValueChainStage

EXTRA_DOMAIN = "digest-bench.example.org"


class QueryCounter:
    """Counts the SQL statements run while it is installed (no SQL kept)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


class Command(BaseCommand):
    help = "Compose and queue the weekly digest for N members; print time and queries."

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=200)
        parser.add_argument(
            "--keep", action="store_true", help="commit the outbox rows (they will be sent)"
        )

    def handle(self, *args, members: int, keep: bool, **options):
        if members < 1:
            raise CommandError("--members must be at least 1.")
        created = ensure_members(members)
        if created:
            self.stdout.write(f"created {created} extra members")
        member_ids = list(
            User.objects.filter(is_active=True, status=User.Status.APPROVED)
            .order_by("pk")
            .values_list("pk", flat=True)[:members]
        )
        period = current_period(WEEKLY)
        self.stdout.write(
            f"edition {period.edition}: {period.first_day} to {period.last_day}, "
            f"{len(member_ids)} members"
        )
        with transaction.atomic():
            User.objects.filter(pk__in=member_ids).update(digest_frequency=WEEKLY)
            pending = add_digest_notifications(member_ids[::10])
            counter = QueryCounter()
            started = time.perf_counter()
            with connection.execute_wrapper(counter):
                result = services.compose_digests(period, member_ids, frequency=WEEKLY)
            seconds = time.perf_counter() - started
            digested = Notification.objects.filter(
                pk__in=pending, digested_at__isnull=False
            ).count()
            if not keep:
                transaction.set_rollback(True)
        self.stdout.write(
            f"{result.without_news} members without news, {result.already_queued} had this "
            f"edition already; {digested} of {len(pending)} digest notifications included"
            + ("" if keep else " (rolled back: nothing is sent)")
        )
        self.stdout.write(
            f"{len(member_ids)} members: {seconds:.1f} s compose, {counter.count} queries, "
            f"{result.queued} digests queued"
        )


def ensure_members(count: int) -> int:
    """Create approved members in bulk until there are `count`; returns how many were added."""
    missing = count - User.objects.filter(is_active=True, status=User.Status.APPROVED).count()
    if missing <= 0:
        return 0
    rng = random.Random(77)  # noqa: S311 -- spreads benchmark data, not a secret
    organisations = list(Organisation.objects.order_by("pk").values_list("pk", flat=True)[:500])
    materials = list(Material.objects.values_list("pk", flat=True))
    stages = list(ValueChainStage.objects.values_list("pk", flat=True))
    start = User.objects.filter(email__endswith=f"@{EXTRA_DOMAIN}").count()
    password = make_password(None)  # unusable: these accounts cannot log in
    now = timezone.now()
    users = [
        User(
            email=f"member{number:06d}@{EXTRA_DOMAIN}",
            first_name=rng.choice(["Anna", "Ben", "Clara", "David", "Elif", "Frank"]),
            last_name=f"Digest {number:06d}",
            organisation_id=organisations[number % len(organisations)] if organisations else None,
            status=User.Status.APPROVED,
            role=User.Role.MEMBER,
            language="en" if number % 5 == 0 else "de",
            password=password,
            privacy_consent_at=now,
            status_changed_at=now,
            is_demo=True,
        )
        for number in range(start, start + missing)
    ]
    User.objects.bulk_create(users, batch_size=1000)
    created = list(
        User.objects.filter(email__in=[user.email for user in users]).values_list("pk", flat=True)
    )
    if materials:
        User.materials.through.objects.bulk_create(
            [
                User.materials.through(user_id=pk, material_id=material)
                for pk in created
                for material in rng.sample(materials, min(2, len(materials)))
            ],
            batch_size=5000,
        )
    if stages:
        User.value_chain_stages.through.objects.bulk_create(
            [
                User.value_chain_stages.through(user_id=pk, valuechainstage_id=rng.choice(stages))
                for pk in created
            ],
            batch_size=5000,
        )
    return len(created)


def add_digest_notifications(member_ids: list[int]) -> list[int]:
    """A pending comment notification, kept for the digest, for each of these members."""
    kind = "barrier_comment"
    users = list(User.objects.filter(pk__in=member_ids).only("pk", "notification_settings"))
    for user in users:
        user.notification_settings = {**(user.notification_settings or {}), kind: "digest"}
    User.objects.bulk_update(users, ["notification_settings"], batch_size=1000)
    now = timezone.now()
    rows = Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=pk,
                kind=kind,
                title="Neuer Kommentar zu Ihrem Hemmnis (Benchmark)",
                body="Ein Kommentar, der im Überblick gesammelt wird.",
                url="/barriers/1/",
                created_at=now,
            )
            for pk in member_ids
        ],
        batch_size=1000,
    )
    return [row.pk for row in rows]
