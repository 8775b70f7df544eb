"""Meeting tasks: they load ids and call one service."""

import logging

from celery import shared_task

from . import services
from .models import Meeting

logger = logging.getLogger(__name__)


@shared_task(name="meetings.send_invitations")
def send_invitations_task(meeting_id: int) -> int:
    """Invite the meeting's audience (admin action "send invitations")."""
    meeting = Meeting.objects.filter(pk=meeting_id).first()
    if meeting is None:
        logger.info("meetings: meeting %s is gone; no invitations sent", meeting_id)
        return 0
    try:
        return services.send_invitations(meeting)
    except services.MeetingError as error:
        logger.warning("meetings: invitations for %s not sent: %s", meeting_id, error)
        return 0


@shared_task(name="meetings.mail_chunk")
def mail_chunk_task(meeting_id: int, invitation_ids: list[int], kind: str) -> int:
    """Mail one chunk of invitations, updates or cancellations (fanned out by the services)."""
    meeting = Meeting.objects.filter(pk=meeting_id).first()
    if meeting is None:
        logger.info("meetings: meeting %s is gone; nothing mailed", meeting_id)
        return 0
    return services.mail_chunk(meeting, invitation_ids, kind=kind)


@shared_task(name="meetings.send_answer_reminders")
def send_answer_reminders_task() -> int:
    """Remind non-responders before the answer deadline (beat)."""
    return services.send_answer_reminders()


@shared_task(name="meetings.send_meeting_reminders")
def send_meeting_reminders_task() -> int:
    """Remind those who said yes or maybe 24 hours before the start (beat)."""
    return services.send_meeting_reminders()
