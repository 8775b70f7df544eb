"""Reads of meetings for pages, the dashboard, feeds and the admin."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import Count, F, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from members.models import User
from members.permissions import is_coordinator
from thementisch.fragments import render_each

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


def meeting_detail_queryset(user: Any = None) -> QuerySet[Meeting]:
    """Meetings with agenda (linked barrier and pilot titles only) and documents.

    With `user` (the meeting page): only the fields the page shows.
    """
    agenda = AgendaItem.objects.select_related("barrier", "pilot").only(
        "meeting_id",
        "order",
        "time",
        "title",
        "speaker",
        "outcome",
        "barrier__title",
        "pilot__title",
    )
    meetings = Meeting.objects.prefetch_related(
        Prefetch("agenda_items", queryset=agenda),
        Prefetch("documents", queryset=Document.objects.all()),
    )
    return meetings if user is None else meetings.only(*PAGE_FIELDS)


def response_counts(meeting: Meeting) -> dict[str, int]:
    """Invitations per answer (yes, no, maybe, waitlisted, pending) and the total, one query."""
    counts = meeting.invitations.aggregate(
        total=Count("pk"),
        **{value: Count("pk", filter=Q(response=value)) for value in Response.values},
    )
    return counts


def answers_for_page(meeting: Meeting, user: Any) -> tuple[dict[str, int], Invitation | None]:
    """`response_counts` and the user's own invitation (or None), in one grouped query.

    The invitation is built from that query: id, meeting, user and answer
    are loaded, any other field loads on first access like with `.only()`.
    """
    groups = (
        meeting.invitations.order_by()
        .values_list("response")
        .annotate(count=Count("pk"), own=Max("pk", filter=Q(user_id=getattr(user, "pk", None))))
    )
    counts = dict.fromkeys(Response.values, 0)
    own = None
    for response, count, own_pk in groups:
        counts[response] = count
        if own_pk is not None:
            own = Invitation.from_db(
                meeting._state.db,
                ["id", "meeting_id", "user_id", "response"],
                [own_pk, meeting.pk, user.pk, response],
            )
            own.meeting = meeting
    counts["total"] = sum(counts.values())
    return counts, own


def confirmed_for_page(meeting: Meeting, *, limit: int = 200) -> list[dict[str, Any]]:
    """Who said yes and is listed in the directory, with organisation (at most `limit`).

    Members who chose not to appear in the directory and guests are only
    counted (from `response_counts`), never named. Each entry holds only what
    the page shows: `first_name`, `last_name`, `email`, `organisation_name`,
    `organisation_slug` (None without organisation); ordered by name.

    Two short queries: the ids of those who said yes, then those of them who
    are listed. (Joined in one query, PostgreSQL hashes the whole member
    table instead of looking up the few members by key.)
    """
    said_yes = list(
        meeting.invitations.filter(response=Response.YES, user__isnull=False).values_list(
            "user_id", flat=True
        )
    )
    if not said_yes:
        return []
    listed = (
        User.objects.filter(
            pk__in=said_yes,
            is_active=True,
            status=User.Status.APPROVED,
            show_in_directory=True,
        )
        .order_by("last_name", "first_name", "pk")
        .values(
            "first_name",
            "last_name",
            "email",
            organisation_name=F("organisation__name"),
            organisation_slug=F("organisation__slug"),
        )
    )
    return list(listed[:limit])


# --- dashboard -------------------------------------------------------------------------
# The dashboard is the most visited page. On PostgreSQL its reads are written as
# SQL (building and compiling a queryset costs several times what the query
# costs) and sent before their rows are read, so that the dashboard can send the
# queries of all panels in one batch. Elsewhere the ORM reads the same; a test
# compares the two. Fields are in the model's order (Model.from_db takes that).
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
    cursor = connection.cursor()
    cursor.execute(NEXT_MEETINGS_SQL, [user.pk, timezone.now(), limit])

    def read() -> list[Meeting]:
        with cursor:
            rows = cursor.fetchall()
        meetings = []
        for *values, response in rows:
            meeting = Meeting.from_db(connection.alias, DASHBOARD_FIELDS, values)
            meeting.my_response = response
            meetings.append(meeting)
        return meetings

    return read


def next_meetings_for(user: Any, *, limit: int = 3) -> list[Meeting]:
    """The member's next meetings (invited, not over), soonest first, with `my_response`.

    One query; only the columns `meetings/_dashboard_row.html` shows are loaded.
    """
    return send_next_meetings(user, limit=limit)()


def dashboard_row_key(meeting: Meeting) -> tuple:
    """Everything `meetings/_dashboard_row.html` shows of a meeting (and the member's answer)."""
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
    context: the next meetings, their rows from the fragment cache."""
    read = send_next_meetings(user)

    def panel() -> dict[str, Any]:
        meetings = read()
        return {
            "next_meetings": meetings,
            "next_meeting_rows": render_each(
                "meetings/_dashboard_row.html", meetings, dashboard_row_key, name="meeting"
            ),
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
