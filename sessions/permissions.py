"""Who may see and do what with meetings, in one place.

Approved members see published and cancelled meetings, their agenda,
documents and minutes; the online link and the answer buttons only where
they are invited. Drafts are the coordinator's. Pending members and
anonymous visitors see nothing of meetings (answer links work without login).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404

from members.permissions import is_coordinator, is_member

from .models import Invitation, Meeting


def can_view_meeting(user: Any, meeting: Meeting) -> bool:
    if is_coordinator(user):
        return True
    return is_member(user) and meeting.status != Meeting.Status.DRAFT


def can_see_documents(user: Any, meeting: Meeting) -> bool:
    """Documents and minutes: every approved member who may see the meeting."""
    return can_view_meeting(user, meeting)


def can_see_online_link(user: Any, meeting: Meeting, invitation: Invitation | None) -> bool:
    if not meeting.online_url or meeting.is_cancelled:
        return False
    return is_coordinator(user) or invitation is not None


def can_answer(invitation: Invitation | None, meeting: Meeting) -> bool:
    return invitation is not None and meeting.answers_open


def get_meeting_for(user: Any, pk: int) -> Meeting:
    """The meeting if `user` may see it; 404 otherwise (drafts do not exist for members)."""
    return checked_meeting(user, Meeting.objects.filter(pk=pk).first())


def checked_meeting(user: Any, meeting: Meeting | None) -> Meeting:
    """`meeting` if `user` may see it; 404 otherwise (also for None: no such meeting)."""
    if meeting is None or not can_view_meeting(user, meeting):
        raise Http404
    return meeting
