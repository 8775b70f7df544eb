"""Run the daily listing check by hand: renewal reminders and expired searches."""

from django.core.management.base import BaseCommand

from pilots.services import remind_and_expire_listings


class Command(BaseCommand):
    help = "Remind proposers to renew partner searches that end soon; expire ended ones."

    def handle(self, *args, **options):
        counts = remind_and_expire_listings()
        self.stdout.write(
            f"pilots: {counts['reminded']} reminded, {counts['expired']} back to idea"
        )
