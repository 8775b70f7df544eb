"""Send the due meeting reminders by hand (celery beat does it every 15 minutes)."""

from django.core.management.base import BaseCommand

from sessions import services


class Command(BaseCommand):
    help = "Queue due answer reminders and 24-hour reminders for meetings (idempotent)."

    def handle(self, *args, **options):
        answers = services.send_answer_reminders()
        day = services.send_meeting_reminders()
        self.stdout.write(f"{answers} answer reminders and {day} 24-hour reminders queued.")
