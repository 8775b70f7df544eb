"""The German full-text search of barriers alone: p50 and p95 over varied queries.

Runs the list page's search (matching and ranking in the narrow search table,
then the first page's rows with headlines) for N German queries built from
the domain's words, inflected and combined.
Prints one line.
"""

import statistics
import time

from django.core.management.base import BaseCommand

from barriers import selectors
from members.models import User

WORDS = [
    "Schrott", "Schrotte", "Schrottexport", "Aluminium", "Kupfer", "Stahl", "Schlacke",
    "Schlacken", "Recycling", "Recyclinganlage", "Genehmigung", "Genehmigungen",
    "Abfallende", "Nebenprodukt", "Förderung", "Rezyklat", "Rezyklatanteil", "Batterien",
    "Batterie", "Sortierung", "Demontage", "Verordnung", "Verwertung", "Späne", "Gießerei",
    "Ersatzbaustoff", "Zink", "Elektroschrott", "Magnet", "Daten",
]  # fmt: skip


def queries(count: int) -> list[str]:
    result = []
    for index in range(count):
        first = WORDS[index % len(WORDS)]
        second = WORDS[(index * 7 + 3) % len(WORDS)]
        result.append(first if index % 3 == 0 else f"{first} {second}")
    return result


class Command(BaseCommand):
    help = "Time the barrier full-text search: p50/p95 over N queries."

    def add_arguments(self, parser):
        parser.add_argument("--queries", type=int, default=200)
        parser.add_argument("--user", default="mitglied@example.org")

    def handle(self, *args, queries: int, user: str, **options):
        member = User.objects.get(email=user)
        base = selectors.list_queryset(member)
        timings = []
        for text in globals()["queries"](queries):
            began = time.perf_counter()
            ranked = selectors.ranked_matches(member, text)
            results = selectors.apply_search(
                base.filter(pk__in=ranked.values("barrier_id")[:26]), text
            )
            list(results.order_by(*selectors.SEARCH_ORDER))
            timings.append((time.perf_counter() - began) * 1000)
        timings.sort()
        p95 = timings[int(len(timings) * 0.95) - 1]
        count = selectors.ranked_matches(member, "Schrott").count()
        self.stdout.write(
            f"{queries} queries: p50 {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms "
            f"('Schrott' matches {count} barriers)"
        )
