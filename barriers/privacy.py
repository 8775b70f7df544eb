"""The member's barrier data for the personal data export (Art. 15/20 GDPR)."""

from typing import Any

from .models import (
    Barrier,
    BarrierComment,
    BarrierEvent,
    Endorsement,
    EvidenceFile,
    OfficialResponse,
)

EXPORTED_MODELS = [
    "barriers.Barrier",
    "barriers.BarrierEvent",
    "barriers.Endorsement",
    "barriers.BarrierComment",
    "barriers.EvidenceFile",
    "barriers.OfficialResponse",
]


def export_barriers(user) -> dict[str, Any]:
    return {
        "submitted": [
            {
                "title": barrier.title,
                "status": barrier.status,
                "anonymous": barrier.is_anonymous,
                "description": barrier.description,
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
        "endorsements": [
            {
                "barrier": endorsement.barrier.title,
                "note": endorsement.note,
                "at": endorsement.created_at.isoformat(),
            }
            for endorsement in Endorsement.objects.filter(user=user).select_related("barrier")
        ],
        "comments": [
            {
                "barrier": comment.barrier.title,
                "comment": comment.body,
                "at": comment.created_at.isoformat(),
                "removed": comment.is_removed,
            }
            for comment in BarrierComment.objects.filter(author=user).select_related("barrier")
        ],
        "evidence_files": [
            {
                "barrier": evidence.barrier.title,
                "file_name": evidence.original_name,
                "at": evidence.created_at.isoformat(),
            }
            for evidence in EvidenceFile.objects.filter(uploaded_by=user).select_related("barrier")
        ],
        "official_responses": [
            {
                "barrier": response.barrier.title,
                "response": response.body,
                "at": response.created_at.isoformat(),
            }
            for response in OfficialResponse.objects.filter(author=user).select_related("barrier")
        ],
    }
