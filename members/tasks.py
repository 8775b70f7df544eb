"""Member tasks: they load ids and call members.services."""

import logging

from celery import shared_task

from . import services
from .models import User

logger = logging.getLogger(__name__)


@shared_task(name="members.deliver_notifications")
def deliver_notifications_task(user_id: int) -> int:
    """Mail one member's pending instant notifications (bundled)."""
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        logger.info("notifications: user %s is gone", user_id)
        return 0
    return services.deliver_notifications(user)


@shared_task(name="members.deliver_due_notifications")
def deliver_due_notifications_task() -> int:
    """Mail bundles whose 15-minute window has passed (beat, every minute)."""
    return services.deliver_due_notifications()


@shared_task(name="members.purge_unconfirmed_signups")
def purge_unconfirmed_signups_task() -> int:
    """Delete signups never confirmed within 14 days (beat, nightly)."""
    return services.purge_unconfirmed_signups()
