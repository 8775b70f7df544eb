"""Rows of the barrier page kept in the fragment cache (`thementisch.fragments`).

A row is a tuple of plain values for one viewer, and its row template shows
only those values: the whole row is its key, so a change to anything shown
is a new key. The comments are `thementisch.comments.CommentRow`s, rendered
by the shared `_comments.html`.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from django.utils import timezone
from django.utils.safestring import SafeString

from thementisch.fragments import render_each

EVENT_TEMPLATE = "barriers/_timeline_event.html"
NOTE_TEMPLATE = "barriers/_endorsement_note.html"


class EventRow(NamedTuple):
    """One timeline entry."""

    pk: int
    created_at: datetime
    actor_hidden: bool  # the anonymous submitter's own entry: "the submitter"
    actor_name: str  # "" when hidden or without actor ("the portal")
    kind: str
    from_label: str  # status labels in the active language
    to_label: str
    note: str


class NoteRow(NamedTuple):
    """One endorser's note."""

    pk: int
    note: str
    person: str  # the endorser's name as `|person` shows it
    organisation_name: str


def event_rows(events: list[EventRow]) -> list[SafeString]:
    return render_each(
        EVENT_TEMPLATE,
        events,
        tuple,
        name="event",
        context={"time_zone": timezone.get_current_timezone_name()},
    )


def note_rows(notes: list[NoteRow]) -> list[SafeString]:
    return render_each(NOTE_TEMPLATE, notes, tuple, name="endorsement")
