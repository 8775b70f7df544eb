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
    """(name, path) of every page measured; path None when the page does not exist yet."""
    pages: list[tuple[str, str | None]] = [
        ("floor", _url("bench:floor")),
        ("dashboard /", "/"),
        ("/members/", _url("members:directory")),
    ]
    pages += _barrier_pages()
    pages += _other_pages()
    return pages


def _barrier_pages() -> list[tuple[str, str | None]]:
    from django.db.models import Count

    from barriers.models import Barrier

    listing = _url("barriers:list")
    pages: list[tuple[str, str | None]] = [
        ("/barriers/", listing),
        ("/barriers/?q=Schrott", f"{listing}?q=Schrott" if listing else None),
    ]
    filtered = None
    if listing and hasattr(Barrier, "materials") and hasattr(Barrier, "value_chain_stages"):
        sample = (
            Barrier.objects.filter(materials__isnull=False, value_chain_stages__isnull=False)
            .values("category", "materials", "value_chain_stages")
            .first()
            if hasattr(Barrier, "category")
            else None
        )
        if sample:
            filtered = (
                f"{listing}?category={sample['category']}&material={sample['materials']}"
                f"&stage={sample['value_chain_stages']}"
            )
    pages.append(("/barriers/ filtered", filtered))
    detail = None
    if listing and hasattr(Barrier, "comments"):
        busiest = (
            Barrier.objects.filter(status="published")
            .annotate(n=Count("comments"))
            .order_by("-n")
            .values_list("pk", flat=True)
            .first()
        )
        detail = _url("barriers:detail", busiest) if busiest else None
    pages.append(("barrier page", detail))
    return pages


def _other_pages() -> list[tuple[str, str | None]]:
    pages: list[tuple[str, str | None]] = [("/pilots/", _url("pilots:list"))]
    pages.append(("meeting page", _meeting_page()))
    pages.append(("/policy/", _url("policy:list")))
    return pages


def _meeting_page() -> str | None:
    from django.db.models import Count

    try:
        from sessions.models import Meeting
    except ImportError:  # meetings land in their own issue
        return None
    busiest = (
        Meeting.objects.annotate(n=Count("invitations"))
        .order_by("-n")
        .values_list("pk", flat=True)
        .first()
    )
    return _url("meetings:detail", busiest) if busiest else None


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
