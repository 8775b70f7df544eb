"""The member's pilot project data for the personal data export."""

from typing import Any

from .models import PilotApplication, PilotComment, PilotEvent, PilotProject


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
        "contact_person_of": [
            pilot.title for pilot in PilotProject.objects.filter(contact_person=user)
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
        "applications": [
            {
                "pilot": application.pilot.title,
                "organisation": application.organisation.name,
                "message": application.message,
                "status": application.status,
                "applied_at": application.created_at.isoformat(),
            }
            for application in PilotApplication.objects.filter(applicant=user).select_related(
                "pilot", "organisation"
            )
        ],
        "decisions_on_applications": [
            {
                "pilot": application.pilot.title,
                "status": application.status,
                "note": application.decision_note,
                "decided_at": application.decided_at.isoformat()
                if application.decided_at
                else None,
            }
            for application in PilotApplication.objects.filter(decided_by=user).select_related(
                "pilot"
            )
        ],
        "comments": [
            {
                "pilot": comment.pilot.title,
                "comment": comment.body,
                "written_at": comment.created_at.isoformat(),
                "removed": comment.is_removed,
            }
            for comment in PilotComment.objects.filter(author=user).select_related("pilot")
        ],
    }
