"""Outbox tasks: they load ids and call thementisch.mail."""

import logging

from celery import shared_task

from . import mail

logger = logging.getLogger(__name__)


@shared_task(name="thementisch.send_emails", bind=True, max_retries=None)
def send_emails_task(self, email_ids: list[int]) -> None:
    """Send outbox rows; rows that failed temporarily are retried with backoff."""
    retry = mail.deliver(email_ids)
    if retry:
        from .models import OutgoingEmail

        attempts = max(
            OutgoingEmail.objects.filter(pk__in=retry).values_list("attempts", flat=True), default=1
        )
        send_emails_task.apply_async(args=[retry], countdown=mail.retry_delay(attempts))


@shared_task(name="thementisch.sweep_outbox")
def sweep_outbox_task() -> int:
    """Re-enqueue outbox rows that are due (beat, every minute)."""
    count = mail.sweep()
    if count:
        logger.info("outbox: re-enqueued %s rows", count)
    return count
