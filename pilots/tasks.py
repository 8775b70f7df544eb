"""Pilot tasks: they call pilots.services."""

from celery import shared_task

from . import services


@shared_task(name="pilots.remind_and_expire_listings")
def remind_and_expire_listings_task() -> dict[str, int]:
    """Renewal reminders and expiry of six-month partner searches (beat, daily)."""
    return services.remind_and_expire_listings()
