from django.core.management.base import BaseCommand

from barriers.services import flag_overdue_barriers


class Command(BaseCommand):
    help = "Tell the coordinators about forwarded barriers past their answer-by date."

    def handle(self, *args, **options):
        count = flag_overdue_barriers()
        self.stdout.write(f"{count} barrier(s) newly flagged as overdue.")
