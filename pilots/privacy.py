"""The member's pilot project data for the personal data export."""

from typing import Any

from .models import PilotEvent, PilotProject


def export_pilots(user) -> dict[str, Any]:
    return {
        "proposed": [
            {
                "title": pilot.title,
                "status": pilot.status,
                "created_at": pilot.created_at.isoformat(),
            }
            for pilot in PilotProject.objects.filter(proposer=user)
        ],
        "timeline_entries": [
            {
                "pilot": event.pilot.title,
                "kind": event.kind,
                "note": event.note,
                "at": event.created_at.isoformat(),
            }
            for event in PilotEvent.objects.filter(actor=user).select_related("pilot")
        ],
    }
