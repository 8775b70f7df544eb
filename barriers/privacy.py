"""The member's barrier data for the personal data export."""

from typing import Any

from .models import Barrier, BarrierEvent


def export_barriers(user) -> dict[str, Any]:
    return {
        "submitted": [
            {
                "title": barrier.title,
                "status": barrier.status,
                "anonymous": barrier.is_anonymous,
                "submitted_at": barrier.created_at.isoformat(),
            }
            for barrier in Barrier.objects.filter(author=user)
        ],
        "timeline_entries": [
            {
                "barrier": event.barrier.title,
                "kind": event.kind,
                "note": event.note,
                "at": event.created_at.isoformat(),
            }
            for event in BarrierEvent.objects.filter(actor=user).select_related("barrier")
        ],
    }
