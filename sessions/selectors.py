"""Reads of meetings for pages, the dashboard, feeds and the admin."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, NamedTuple

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.utils import timezone

from members.models import User
from members.permissions import is_coordinator
from thementisch.fragments import Rows, render_once
from thementisch.prepared import PLACEHOLDERS, PreparedQuery, model_instance, statement_cursor

from .models import AgendaItem, Document, Invitation, Meeting

Response = Invitation.Response
# What the meeting page shows of the meeting (not the audience or the guest list).
PAGE_FIELDS = (
    "kind",
    "title",
    "description",
    "starts_at",
    "ends_at",
    "venue",
    "online_url",
    "capacity",
    "rsvp_deadline",
    "status",
    "minutes",
    "minutes_published_at",
)


def visible_meetings(user: Any) -> QuerySet[Meeting]:
    """Meetings `user` may see: all for the coordinator, else published and cancelled."""
    meetings = Meeting.objects.all()
    if not is_coordinator(user):
        meetings = meetings.exclude(status=Meeting.Status.DRAFT)
    return meetings


def with_answer_of(meetings: QuerySet[Meeting], user: Any) -> QuerySet[Meeting]:
    """Annotate `my_response` (None when not invited) in the same query."""
    answer = Invitation.objects.filter(meeting=OuterRef("pk"), user=user).values("response")[:1]
    return meetings.annotate(my_response=Subquery(answer))


def meeting_lists(user: Any, *, now: datetime | None = None) -> tuple[QuerySet, QuerySet]:
    """(upcoming soonest first, past latest first) with the member's own answer."""
    now = now or timezone.now()
    meetings = with_answer_of(visible_meetings(user), user)
    upcoming = meetings.filter(ends_at__gt=now).order_by("starts_at", "pk")
    past = meetings.filter(ends_at__lte=now).order_by("-starts_at", "-pk")
    return upcoming, past


def response_counts(meeting: Meeting) -> dict[str, int]:
    """Invitations per answer (yes, no, maybe, waitlisted, pending) and the total, one query."""
    counts = meeting.invitations.aggregate(
        total=Count("pk"),
        **{value: Count("pk", filter=Q(response=value)) for value in Response.values},
    )
    return counts


# --- the meeting page --------------------------------------------------------------------
# Its reads run on every view of the page: compiled to SQL once per process
# (thementisch.prepared), as plain rows.


class _IsAnyOf(Func):
    """`value = ANY(ARRAY(subquery))` (PostgreSQL): the few rows are looked up by key,
    where `value IN (subquery)` hashes the whole table."""

    template = "%(expressions)s)"
    arg_joiner = " = ANY("
    output_field = BooleanField()


def _own_invitation(meeting_id: Any, user_id: Any) -> QuerySet[Invitation]:
    return Invitation.objects.filter(meeting_id=meeting_id, user_id=user_id).order_by()


PAGE_COLUMNS = ("id", *PAGE_FIELDS)
_PAGE_MEETING = PreparedQuery(
    lambda meeting_id, user_id: Meeting.objects.filter(pk=meeting_id).values_list(
        *PAGE_COLUMNS,
        Subquery(_own_invitation(OuterRef("pk"), user_id).values("pk")[:1]),
        Subquery(_own_invitation(OuterRef("pk"), user_id).values("response")[:1]),
        Exists(AgendaItem.objects.filter(meeting_id=OuterRef("pk"))),
        Exists(Document.objects.filter(meeting_id=OuterRef("pk"))),
    )
)
AGENDA_COLUMNS = (
    "pk", "time", "title", "speaker", "barrier_id", "barrier__title", "pilot_id",
    "pilot__title", "outcome",
)  # fmt: skip
_AGENDA = PreparedQuery(
    lambda meeting_id: AgendaItem.objects.filter(meeting_id=meeting_id).values_list(*AGENDA_COLUMNS)
)
DOCUMENT_COLUMNS = ("pk", "kind", "title", "original_name", "size")
_DOCUMENTS = PreparedQuery(
    lambda meeting_id: Document.objects.filter(meeting_id=meeting_id).values_list(*DOCUMENT_COLUMNS)
)
ATTENDEE_COLUMNS = (
    "first_name", "last_name", "email", "organisation__name", "organisation__slug",
)  # fmt: skip


def _listed_attendees(meeting_id: Any, limit: int) -> QuerySet[User]:
    said_yes = (
        Invitation.objects.filter(meeting_id=meeting_id, response=Response.YES)
        .exclude(user_id=None)
        .order_by()
        .values("user_id")
    )
    if connection.vendor == "postgresql":
        who = Q(_IsAnyOf(F("pk"), ArraySubquery(said_yes)))
    else:
        who = Q(pk__in=said_yes)
    return (
        User.objects.filter(
            who, is_active=True, status=User.Status.APPROVED, show_in_directory=True
        )
        .order_by("last_name", "first_name", "pk")
        .values_list(*ATTENDEE_COLUMNS)[:limit]
    )


ATTENDEE_LIMIT = 200
_ATTENDEES = PreparedQuery(lambda meeting_id: _listed_attendees(meeting_id, ATTENDEE_LIMIT))
# Answers per response and the total, one grouped query. Written as SQL: the ORM
# reads COUNT through a converter, which keeps PreparedQuery from running it.
RESPONSE_COUNTS_SQL = """
    SELECT response, COUNT(*) FROM meetings_invitation WHERE meeting_id = %s GROUP BY response
"""
_RESPONSE_COUNTS = PreparedQuery(
    lambda meeting_id: (
        Invitation.objects.filter(meeting_id=meeting_id)
        .order_by()
        .values_list("response")
        .annotate(count=Count("pk"))
    ),
    sql=(RESPONSE_COUNTS_SQL, [PLACEHOLDERS[0]]),
)


class MeetingPage(NamedTuple):
    """What the meeting page reads besides the viewer's permissions."""

    meeting: Meeting
    invitation: Invitation | None  # the viewer's own (id, meeting, user and answer loaded)
    has_agenda: bool
    has_documents: bool


def meeting_page(pk: int, user: Any) -> MeetingPage | None:
    """The meeting with the page's fields and the viewer's invitation, in one query.

    Not yet checked: see `permissions.checked_meeting`. Fields other than
    `PAGE_FIELDS` load on first access, like with `.only()`.
    """
    rows = _PAGE_MEETING.rows(pk, getattr(user, "pk", None) or 0)
    if not rows:
        return None
    *values, own_pk, own_response, has_agenda, has_documents = rows[0]
    meeting = Meeting.from_db(_PAGE_MEETING.using, PAGE_COLUMNS, values)
    invitation = None
    if own_pk is not None:
        invitation = Invitation.from_db(
            meeting._state.db,
            ["id", "meeting_id", "user_id", "response"],
            [own_pk, meeting.pk, user.pk, own_response],
        )
        invitation.meeting = meeting
    return MeetingPage(meeting, invitation, has_agenda, has_documents)


def answer_counts(meeting: Meeting) -> dict[str, int]:
    """`response_counts` in one grouped query (written as SQL on PostgreSQL)."""
    counts = dict.fromkeys(Response.values, 0)
    for response, count in _RESPONSE_COUNTS.rows(meeting.pk):
        counts[response] = count
    counts["total"] = sum(counts.values())
    return counts


def agenda_for_page(meeting: Meeting) -> list[tuple]:
    """The agenda as rows of `AGENDA_COLUMNS` (`detail_parts.AgendaRow`), in its order."""
    return _AGENDA.rows(meeting.pk)


def documents_for_page(meeting: Meeting) -> list[tuple]:
    """The documents as rows of `DOCUMENT_COLUMNS` (`detail_parts.DocumentRow`), in order."""
    return _DOCUMENTS.rows(meeting.pk)


def confirmed_for_page(meeting: Meeting) -> list[tuple]:
    """Who said yes and is listed in the directory, with organisation (at most
    `ATTENDEE_LIMIT`), ordered by name, as rows of `ATTENDEE_COLUMNS`
    (organisation name and slug are None without organisation).

    Members who chose not to appear in the directory and guests are only
    counted (from `response_counts`), never named.
    """
    return _ATTENDEES.rows(meeting.pk)


# --- dashboard -------------------------------------------------------------------------
# The dashboard is the most visited page. On PostgreSQL its reads are written as
# SQL (building and compiling a queryset costs several times what the query
# costs) and sent before their rows are read, so that the dashboard can send the
# queries of all panels in one batch. Elsewhere the ORM reads the same; a test
# compares the two.
DASHBOARD_FIELDS = ("id", "kind", "title", "starts_at", "ends_at", "venue", "online_url", "status")
NEXT_MEETINGS_SQL = """
    SELECT m.id, m.kind, m.title, m.starts_at, m.ends_at, m.venue, m.online_url, m.status,
           i.response
    FROM meetings_meeting m
    JOIN meetings_invitation i ON i.meeting_id = m.id AND i.user_id = %s
    WHERE m.ends_at > %s AND m.status <> 'draft'
    ORDER BY m.starts_at, m.id
    LIMIT %s
"""


def next_meetings_queryset(user: Any) -> QuerySet[Meeting]:
    """The member's next meetings (invited, not over), soonest first, with `my_response`."""
    invited = Invitation.objects.filter(user=user).values("meeting_id")
    meetings = (
        Meeting.objects.filter(pk__in=invited, ends_at__gt=timezone.now())
        .exclude(status=Meeting.Status.DRAFT)
        .only(*DASHBOARD_FIELDS)
    )
    return with_answer_of(meetings, user).order_by("starts_at", "pk")


def send_next_meetings(user: Any, *, limit: int = 3) -> Callable[[], list[Meeting]]:
    """Send the query of `next_meetings_for`; the function returned reads its rows."""
    if connection.vendor != "postgresql":
        meetings = list(next_meetings_queryset(user)[:limit])
        return lambda: meetings
    cursor = statement_cursor()
    cursor.execute(NEXT_MEETINGS_SQL, [user.pk, timezone.now(), limit])

    def read() -> list[Meeting]:
        with cursor:
            rows = cursor.fetchall()
        meetings = []
        alias = connection.alias
        for *values, response in rows:
            meeting = model_instance(Meeting, DASHBOARD_FIELDS, values, alias)
            meeting.my_response = response
            meetings.append(meeting)
        return meetings

    return read


def next_meetings_for(user: Any, *, limit: int = 3) -> list[Meeting]:
    """The member's next meetings (invited, not over), soonest first, with `my_response`.

    One query; only the columns `meetings/_list_item.html` shows are loaded.
    """
    return send_next_meetings(user, limit=limit)()


def dashboard_row_key(meeting: Meeting) -> tuple:
    """Everything `meetings/_list_item.html` shows of a meeting (and the member's answer)."""
    return (
        meeting.pk,
        meeting.title,
        meeting.kind,
        meeting.starts_at,
        meeting.ends_at,
        meeting.venue,
        bool(meeting.online_url),
        meeting.status,
        meeting.my_response,
    )


def send_dashboard_panel(user: Any) -> Callable[[], dict[str, Any]]:
    """Send the query of `meetings/_dashboard_panel.html`; the function returned builds its
    context: the next meetings and the panel, its rows from the fragment cache."""
    read = send_next_meetings(user)

    def panel() -> dict[str, Any]:
        meetings = read()
        rows = Rows("meetings/_list_item.html", meetings, dashboard_row_key, name="meeting")
        return {
            "next_meetings": meetings,
            "meetings_panel": render_once("meetings/_dashboard_panel.html", {"rows": rows}),
        }

    return panel


def feed_meetings(user: User) -> QuerySet[Meeting]:
    """Every meeting `user` is invited to, cancelled ones included (personal calendar)."""
    return (
        Meeting.objects.filter(invitations__user=user)
        .exclude(status=Meeting.Status.DRAFT)
        .order_by("starts_at", "pk")
    )


def attendance_list(meeting: Meeting) -> QuerySet[Invitation]:
    """Every invitation with person and organisation, for the coordinator's lists."""
    return meeting.invitations.select_related("user", "user__organisation").order_by(
        "user__last_name", "user__first_name", "name", "email", "pk"
    )
