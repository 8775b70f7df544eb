"""Operations on pilot projects. Extended by the pilots work."""

from typing import Any

from .models import PilotEvent, PilotProject


def record_event(
    pilot: PilotProject,
    *,
    actor: Any,
    kind: str,
    note: str = "",
    from_status: str = "",
    to_status: str = "",
) -> PilotEvent:
    """Add an entry to the pilot's timeline (status change, note, meeting outcome)."""
    return PilotEvent.objects.create(
        pilot=pilot,
        actor=actor,
        kind=kind,
        note=note,
        from_status=from_status,
        to_status=to_status,
    )
