"""Rows of the barrier page kept in the fragment cache (`thementisch.fragments`).

A row is a tuple of plain values for one viewer, and its row template shows
only those values: the whole row is its key, so a change to anything shown
is a new key. The comments are one fragment, `barriers/_comment_list.html`,
whose key is every column read of every comment and the viewer values that
decide what a row shows (see `comment_list`); each comment in it is the
shared `_comment.html`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any, NamedTuple

from django.utils import timezone
from django.utils.safestring import SafeString

from members.permissions import is_coordinator
from thementisch.comments import CommentRow, comment_row, editable_by, person_name
from thementisch.fragments import render_each

EVENT_TEMPLATE = "barriers/_timeline_event.html"
NOTE_TEMPLATE = "barriers/_endorsement_note.html"
COMMENT_LIST_TEMPLATE = "barriers/_comment_list.html"


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


def person(user_id: int | None, first_name: str, last_name: str, email: str) -> str:
    """A member's name as `|person` shows it ("former member" once deleted)."""
    if user_id is None:
        return person_name(None)
    return f"{first_name} {last_name}".strip() or email


@dataclass(frozen=True)
class CommentList:
    """The comments of a barrier for one viewer: the key is `columns` (each comment as
    `selectors.COMMENT_COLUMNS` reads it), whether hidden authors are shown, and the
    comments the viewer may still edit; `rows` are built only to render."""

    columns: tuple[tuple, ...]
    show_hidden: bool  # the coordinator sees who wrote the anonymous submitter's comments
    editable: tuple[int, ...]  # pks the viewer may still edit (their own, in the window)
    viewer: Any  # not in the key, nor `now`: they decide `editable` only
    now: datetime

    def key(self) -> tuple:
        return (self.columns, self.show_hidden, self.editable)

    @cached_property
    def rows(self) -> list[CommentRow]:
        return [
            comment_row(
                pk=pk,
                author_id=author_id,
                author_name=person(author_id, first_name, last_name, email),
                organisation_name=organisation_name,
                body=body,
                created_at=created_at,
                edited_at=edited_at,
                removed_at=removed_at,
                hidden=hide_author and not self.show_hidden,
                viewer=self.viewer,
                now=self.now,
            )
            for (
                pk, author_id, body, created_at, edited_at, removed_at, hide_author,
                first_name, last_name, email, organisation_name,
            ) in self.columns
        ]  # fmt: skip


def comment_list(columns: list[tuple], viewer) -> SafeString:
    """All comments as one fragment (one cache read for the whole discussion)."""
    now = timezone.now()
    viewer_id = viewer.pk if viewer.is_authenticated else None
    editable = tuple(
        pk
        for pk, author_id, _body, created_at, _edited_at, removed_at, *_rest in columns
        if author_id is not None
        and author_id == viewer_id
        and editable_by(
            viewer,
            author_id=author_id,
            removed=removed_at is not None,
            created_at=created_at,
            now=now,
        )
    )
    comments = CommentList(tuple(columns), is_coordinator(viewer), editable, viewer, now)
    may_remove = bool(getattr(viewer, "is_coordinator", False))
    (html,) = render_each(
        COMMENT_LIST_TEMPLATE,
        [comments],
        CommentList.key,
        name="comments",
        context={
            "edit_url_name": "barriers:comment_edit",
            "remove_url_name": "barriers:comment_remove",
            "may_remove": may_remove,
            "time_zone": timezone.get_current_timezone_name(),
        },
    )
    return html
