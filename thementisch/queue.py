"""Hand work to Celery after the transaction commits, and never fail the change.

If the broker cannot be reached, the work is not lost: what must happen is
stored first (outbox rows, notifications), and a beat sweeper enqueues it
again once the broker is back.
"""

import logging
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue(task: Any, *args: Any, **kwargs: Any) -> bool:
    """Send the task to the broker now; False (and a log line) if it is down."""
    try:
        task.apply_async(args=args, kwargs=kwargs)
    except Exception:
        logger.warning(
            "queue: could not enqueue %s; the sweeper will retry", task.name, exc_info=True
        )
        return False
    return True


def enqueue_on_commit(task: Any, *args: Any, **kwargs: Any) -> None:
    """`enqueue` once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: enqueue(task, *args, **kwargs))
