"""Operations on barriers. Extended by the barriers work."""

from typing import Any

from .models import Barrier, BarrierEvent


def record_event(
    barrier: Barrier,
    *,
    actor: Any,
    kind: str,
    note: str = "",
    from_status: str = "",
    to_status: str = "",
) -> BarrierEvent:
    """Add an entry to the barrier's timeline (status change, note, meeting outcome)."""
    return BarrierEvent.objects.create(
        barrier=barrier,
        actor=actor,
        kind=kind,
        note=note,
        from_status=from_status,
        to_status=to_status,
    )
