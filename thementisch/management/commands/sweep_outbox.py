from django.core.management.base import BaseCommand

from thementisch import mail


class Command(BaseCommand):
    help = "Enqueue outbox emails that are due (what the beat task does every minute)."

    def handle(self, *args, **options):
        count = mail.sweep()
        self.stdout.write(f"{count} emails enqueued.")
