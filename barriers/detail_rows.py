"""Rows of the barrier page kept in the fragment cache (`thementisch.fragments`).

Each key holds every value its row template shows, so a change is a new key.
The comments are rendered by `thementisch.comments.comment_rows` (shared
with the pilots page).
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.safestring import SafeString

from thementisch.fragments import render_each

from .models import BarrierEvent, Endorsement

EVENT_TEMPLATE = "barriers/_timeline_event.html"
NOTE_TEMPLATE = "barriers/_endorsement_note.html"


def _person(user) -> tuple | None:
    """What `|person` and the organisation after it show of a user (None: former member)."""
    if user is None:
        return None
    return (user.first_name, user.last_name, user.email)


def _event_key(event: BarrierEvent) -> tuple:
    actor = None if event.actor_hidden else _person(event.actor)
    return (
        event.pk,
        event.created_at,
        event.actor_hidden,
        actor,
        event.kind,
        event.from_status,
        event.to_status,
        event.note,
    )


def event_rows(events: list[BarrierEvent]) -> list[SafeString]:
    """The timeline entries; each event needs `actor_hidden` set and `actor` loaded."""
    return render_each(
        EVENT_TEMPLATE,
        events,
        _event_key,
        name="event",
        context={"time_zone": timezone.get_current_timezone_name()},
    )


def _note_key(endorsement: Endorsement) -> tuple:
    organisation = endorsement.organisation
    return (
        endorsement.pk,
        endorsement.note,
        _person(endorsement.user),
        organisation.name if organisation is not None else None,
    )


def note_rows(endorsements: list[Endorsement]) -> list[SafeString]:
    """The endorsers' notes; each needs `user` and `organisation` loaded."""
    return render_each(NOTE_TEMPLATE, endorsements, _note_key, name="endorsement")
