"""The pages `make bench` measures, with the SQL queries each one runs.

Prints JSON: a list of {"name", "path", "queries", "status"}. The paths are
picked from the data (e.g. the barrier with the most comments), so the same
command works at any --scale. Queries are counted with the test client,
logged in as the given member, against the configured database.
"""

import json

from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from members.models import User


def _url(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def targets() -> list[tuple[str, str | None]]:
    """(name, path) of every page measured (see bench_fixtures for the showcase objects)."""
    from barriers.models import Barrier
    from sessions.models import Meeting

    from .bench_fixtures import BARRIER_TITLE, MEETING_TITLE

    showcase = Barrier.objects.filter(title=BARRIER_TITLE).first()
    meeting = Meeting.objects.filter(title=MEETING_TITLE).first()
    filtered = None
    if showcase is not None:
        material = showcase.materials.order_by("pk").first()
        stage = showcase.value_chain_stages.order_by("pk").first()
        filtered = (
            f"{reverse('barriers:list')}?category={showcase.category}"
            f"&material={material.pk}&stage={stage.pk}"
        )
    return [
        ("floor", _url("bench:floor")),
        ("dashboard /", "/"),
        ("/barriers/", reverse("barriers:list")),
        ("/barriers/?q=Schrott", f"{reverse('barriers:list')}?q=Schrott"),
        ("/barriers/ filtered (category, material, stage)", filtered),
        (
            "barrier page (50 comments, 200 endorsements)",
            showcase.get_absolute_url() if showcase else None,
        ),
        ("/pilots/", reverse("pilots:list")),
        (
            "meeting page (300 invitations)",
            reverse("meetings:detail", args=[meeting.pk]) if meeting else None,
        ),
        ("/policy/", reverse("policy:list")),
        ("/members/", reverse("members:directory")),
    ]


class Command(BaseCommand):
    help = "Print the benchmark pages as JSON, with SQL queries per request."

    def add_arguments(self, parser):
        parser.add_argument("--user", default="mitglied@example.org")
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, *args, user: str, host: str, **options):
        member = User.objects.get(email=user)
        client = Client(HTTP_HOST=host)
        client.force_login(member)
        results = []
        for name, path in targets():
            if path is None:
                results.append({"name": name, "path": None, "queries": None, "status": None})
                continue
            client.get(path)  # warm caches the way a running server has them
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
            results.append(
                {
                    "name": name,
                    "path": path,
                    "queries": len(queries),
                    "status": response.status_code,
                }
            )
        self.stdout.write(json.dumps(results))
