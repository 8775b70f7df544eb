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
from datetime import UTC, date, datetime
from functools import cached_property
from typing import Any, NamedTuple

from django.utils import timezone
from django.utils.safestring import SafeString

from members.permissions import is_coordinator
from thementisch.comments import CommentRow, comment_row, editable_by, person_name
from thementisch.fragments import render_each

from .models import Barrier

EVENT_TEMPLATE = "barriers/_timeline_event.html"
NOTE_TEMPLATE = "barriers/_endorsement_note.html"
COMMENT_LIST_TEMPLATE = "barriers/_comment_list.html"
HEAD_TEMPLATE = "barriers/_detail_head.html"
FACTS_TEMPLATE = "barriers/_detail_facts.html"


class Head(NamedTuple):
    """Title and badges of the barrier page."""

    title: str
    status: str
    is_demo: bool
    is_overdue: bool
    anonymous_note: bool  # anonymous, and this viewer may see the submitter

    def get_status_display(self) -> str:  # the name `_status_badge.html` reads
        return _label("status", self.status)


class Facts(NamedTuple):
    """The facts list and the description of the barrier page, masked for the viewer.

    Choice fields are keyed by their value; the template shows their labels
    (`*_label`), which are in the language of the fragment's key.
    """

    identity_hidden: bool
    author_name: str  # "" when hidden
    organisation_name: str  # "" when hidden or without organisation
    on_behalf: str
    on_behalf_names: str
    created_at: datetime
    category: str
    subcategory: str
    need_type: str
    level: str
    root_cause: str
    materials: tuple[str, ...]
    stages: tuple[str, ...]
    policy_item_name: str  # "" without linked policy item
    policy_item_slug: str
    regulation_text: str | None
    severity: int
    forwarded_level: str  # "" when not forwarded
    forwarded_to_name: str
    answer_by: date | None
    rejection_reason: str  # "" unless rejected
    description: str
    impact: str
    proposed_solution: str

    def on_behalf_label(self) -> str:
        return _label("on_behalf", self.on_behalf)

    def category_label(self) -> str:
        return _label("category", self.category)

    def subcategory_label(self) -> str:
        return _label("subcategory", self.subcategory) if self.subcategory else ""

    def need_type_label(self) -> str:
        return _label("need_type", self.need_type)

    def level_label(self) -> str:
        return _label("level", self.level)

    def root_cause_label(self) -> str:
        return _label("root_cause", self.root_cause)

    def severity_label(self) -> str:
        return _label("severity", self.severity)

    def forwarded_level_label(self) -> str:
        return _label("forwarded_level", self.forwarded_level) if self.forwarded_level else ""


def _label(field: str, value) -> str:
    """The label of a choice of a Barrier field in the active language (the value if none)."""
    labels = _CHOICES.get(field)
    if labels is None:
        labels = _CHOICES[field] = dict(Barrier._meta.get_field(field).flatchoices)
    return str(labels.get(value, value))


_CHOICES: dict[str, dict] = {}


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

    columns: tuple[tuple, ...]  # created_at as text (see `parse_time`)
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
                created_at=parse_time(created_at),
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


def parse_time(text: str) -> datetime:
    """A timestamp the database gave as text (in UTC: the connection's time zone)."""
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


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
            created_at=parse_time(created_at),
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


def head(barrier) -> SafeString:
    """Title and badges of the (masked) barrier."""
    return _one(
        HEAD_TEMPLATE,
        Head(
            title=barrier.title,
            status=barrier.status,
            is_demo=barrier.is_demo,
            is_overdue=barrier.is_overdue,
            anonymous_note=barrier.is_anonymous and not barrier.identity_hidden,
        ),
    )


def facts(barrier, *, materials: list[str], stages: list[str]) -> SafeString:
    """The facts list and the description of the (masked) barrier."""
    hidden = barrier.identity_hidden
    author = barrier.author
    policy_item = barrier.policy_item
    forwarded_to = barrier.forwarded_to
    rejected = barrier.status == "rejected"
    return _one(
        FACTS_TEMPLATE,
        Facts(
            identity_hidden=hidden,
            author_name="" if hidden else person_name(author),
            organisation_name=""
            if hidden or not barrier.organisation
            else barrier.organisation.name,
            on_behalf=barrier.on_behalf,
            on_behalf_names=barrier.on_behalf_names,
            created_at=barrier.created_at,
            category=barrier.category,
            subcategory=barrier.subcategory,
            need_type=barrier.need_type,
            level=barrier.level,
            root_cause=barrier.root_cause,
            materials=tuple(str(label) for label in materials),
            stages=tuple(str(label) for label in stages),
            policy_item_name=str(policy_item) if policy_item else "",
            policy_item_slug=policy_item.slug if policy_item else "",
            regulation_text=barrier.regulation_text,
            severity=barrier.severity,
            forwarded_level=barrier.forwarded_level,
            forwarded_to_name=str(forwarded_to) if forwarded_to else "",
            answer_by=barrier.answer_by,
            rejection_reason=barrier.rejection_reason if rejected else "",
            description=barrier.description,
            impact=barrier.impact,
            proposed_solution=barrier.proposed_solution,
        ),
    )


def _one(template_name: str, part: tuple) -> SafeString:
    (html,) = render_each(
        template_name,
        [part],
        tuple,
        name="part",
        context={"time_zone": timezone.get_current_timezone_name()},
    )
    return html
