"""Barrier tasks: they call barriers.services."""

from celery import shared_task

from . import services


@shared_task(name="barriers.flag_overdue_barriers")
def flag_overdue_barriers_task() -> int:
    """Tell the coordinators about forwarded barriers past their answer-by date (daily)."""
    return services.flag_overdue_barriers()
