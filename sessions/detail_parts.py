"""Parts of the meeting page kept in the fragment cache (`thementisch.fragments`).

Each part is a tuple of plain values, and its template shows only those
values: the whole part is its cache key, so a change to anything shown is a
new key. What depends on the viewer enters a part only as a plain value
(whether the online link and the minutes are shown); the answer panel with
its form and the coordinator's edit link are rendered on every request.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import NamedTuple

from django.utils import timezone
from django.utils.safestring import SafeString

from thementisch.fragments import render_each

from .models import Document, Meeting

_KINDS = dict(Meeting.Kind.choices)
_DOCUMENT_KINDS = dict(Document.Kind.choices)


class AgendaRow(NamedTuple):
    """One agenda item (`selectors.AGENDA_COLUMNS`)."""

    pk: int
    time: time | None
    title: str
    speaker: str
    barrier_id: int | None
    barrier_title: str | None
    pilot_id: int | None
    pilot_title: str | None
    outcome: str


class DocumentRow(NamedTuple):
    """One document (`selectors.DOCUMENT_COLUMNS`)."""

    pk: int
    kind: str
    title: str
    original_name: str
    size: int

    @property
    def kind_label(self) -> str:
        return _DOCUMENT_KINDS.get(self.kind, self.kind)


class AttendeeRow(NamedTuple):
    """One attendee listed in the directory."""

    name: str  # the full name, else the email address
    organisation_name: str | None
    organisation_slug: str | None  # None: no organisation


class Head(NamedTuple):
    """Breadcrumb, title, kind, time and status (`meetings/_head.html`)."""

    pk: int
    title: str
    kind: str
    status: str
    starts_at: datetime
    ends_at: datetime

    @property
    def kind_label(self) -> str:
        return _KINDS.get(self.kind, self.kind)


class Main(NamedTuple):
    """Description, agenda, minutes, documents and who attends (`meetings/_main.html`)."""

    pk: int
    description: str
    agenda: tuple[AgendaRow, ...]
    show_documents: bool  # documents, minutes and agenda outcomes
    minutes: str  # "" when not shown to this viewer
    documents: tuple[DocumentRow, ...]
    attendees: tuple[AttendeeRow, ...]
    unlisted: int  # said yes, not listed in the directory


class Where(NamedTuple):
    """The "time and place" card (`meetings/_where.html`)."""

    pk: int
    starts_at: datetime
    ends_at: datetime
    venue: str
    has_online_url: bool
    online_url: str  # "" when not shown to this viewer
    capacity: int | None
    taken: int
    waitlisted: int


def head(meeting: Meeting) -> SafeString:
    return _render(
        Head(
            meeting.pk,
            meeting.title,
            meeting.kind,
            meeting.status,
            meeting.starts_at,
            meeting.ends_at,
        )
    )


def main(
    meeting: Meeting,
    *,
    agenda: list[tuple],
    documents: list[tuple],
    attendees: list[tuple],
    said_yes: int,
    show_documents: bool,
    show_minutes: bool,
) -> SafeString:
    """The main column from the rows of `selectors.agenda_for_page`, `documents_for_page`
    and `confirmed_for_page`; those who said yes and are not listed are counted."""
    listed = tuple(
        AttendeeRow(f"{first_name} {last_name}".strip() or email, organisation, slug)
        for first_name, last_name, email, organisation, slug in attendees
    )
    return _render(
        Main(
            pk=meeting.pk,
            description=meeting.description,
            agenda=tuple(AgendaRow(*row) for row in agenda),
            show_documents=show_documents,
            minutes=meeting.minutes if show_minutes else "",
            documents=tuple(DocumentRow(*row) for row in documents) if show_documents else (),
            attendees=listed,
            unlisted=max(0, said_yes - len(listed)),
        )
    )


def where(meeting: Meeting, counts: dict[str, int], *, show_online_link: bool) -> SafeString:
    return _render(
        Where(
            pk=meeting.pk,
            starts_at=meeting.starts_at,
            ends_at=meeting.ends_at,
            venue=meeting.venue,
            has_online_url=bool(meeting.online_url),
            online_url=meeting.online_url if show_online_link else "",
            capacity=meeting.capacity,
            taken=counts["yes"],
            waitlisted=counts["waitlisted"],
        )
    )


def _render(part: Head | Main | Where) -> SafeString:
    """The HTML of a part, from the cache where it is there."""
    (html,) = render_each(
        TEMPLATES[type(part)],
        [part],
        tuple,
        name="part",
        context={"time_zone": timezone.get_current_timezone_name()},
    )
    return html


TEMPLATES = {
    Head: "meetings/_head.html",
    Main: "meetings/_main.html",
    Where: "meetings/_where.html",
}
