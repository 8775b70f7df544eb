"""Send the current digest editions by hand: what the beat task does at 07:00.

`manage.py send_digests` starts (or resumes) the current weekly and daily
editions; `--frequency weekly` only one of them; `--edition 2026-W48` a given
edition. Batches are composed by the worker (or in this process when no
broker is configured). Safe to run any number of times: an edition is
composed once, each member gets one digest per edition.
"""

from django.core.management.base import BaseCommand, CommandError

from digests import services
from digests.periods import FREQUENCIES, period_for_edition
from thementisch import mail


class Command(BaseCommand):
    help = "Start or resume the current digest editions (what celery beat runs at 07:00)."

    def add_arguments(self, parser):
        parser.add_argument("--frequency", choices=FREQUENCIES)
        parser.add_argument("--edition", help="e.g. 2026-W48 (weekly) or 2026-11-24 (daily)")

    def handle(self, *args, frequency=None, edition=None, **options):
        period = None
        if edition:
            try:
                period = period_for_edition(edition)
            except ValueError as error:
                raise CommandError(f"Not an edition: {edition} ({error})") from error
        runs = services.dispatch_digests(frequency=frequency, period=period)
        for run in runs:
            run.refresh_from_db()
            counts = mail.progress(run.topic)
            state = "complete" if run.completed_at else "in progress"
            self.stdout.write(
                f"{run.frequency} {run.edition}: {state}, {run.members} members, "
                f"{run.queued} digests queued; outbox: "
                + ", ".join(f"{status} {count}" for status, count in counts.items())
            )
