"""The member's meeting data: the personal export and the calendar panel on the profile."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from thementisch.mail import absolute_url

from .models import Document, Invitation, Meeting


def export_meetings(user) -> dict[str, Any]:
    return {
        "invitations": [
            {
                "meeting": invitation.meeting.title,
                "starts_at": invitation.meeting.starts_at.isoformat(),
                "answer": invitation.response,
                "answered_at": invitation.responded_at.isoformat()
                if invitation.responded_at
                else None,
                "attended": invitation.attended,
            }
            for invitation in Invitation.objects.filter(user=user).select_related("meeting")
        ],
        "meetings_created": [m.title for m in Meeting.objects.filter(created_by=user)],
        "documents_uploaded": [
            {"meeting": d.meeting.title, "title": d.title, "file": d.original_name}
            for d in Document.objects.filter(uploaded_by=user).select_related("meeting")
        ],
    }


def profile_feed_context(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    if not user.is_member:
        return {}
    return {
        "feed_url": absolute_url(reverse("meetings:feed", args=[user.feed_token])),
    }
