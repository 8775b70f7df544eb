"""Digest tasks: they take plain values and call digests.services."""

import logging

from celery import shared_task

from . import services

logger = logging.getLogger(__name__)


@shared_task(name="digests.dispatch_digests")
def dispatch_digests_task(frequency: str | None = None) -> int:
    """Start or resume the current digest editions (beat: 07:00, then every ten minutes).

    Short: it only splits the members into batches and enqueues one
    `digests.send_digest_batch` per batch. Returns the number of runs still open.
    """
    runs = services.dispatch_digests(frequency=frequency)
    return sum(1 for run in runs if run.completed_at is None)


@shared_task(name="digests.send_digest_batch")
def send_digest_batch_task(batch_id: int) -> int:
    """Compose and queue one batch of digests (idempotent: a done batch is skipped)."""
    return services.send_digest_batch(batch_id)
