"""Reads of meetings for pages, the dashboard, feeds and the admin."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Count, F, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from members.models import User
from members.permissions import is_coordinator

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


def next_meetings_for(user: Any, *, limit: int = 3) -> list[Meeting]:
    """The member's next meetings (invited, not over), soonest first, with `my_response`."""
    now = timezone.now()
    invited = Invitation.objects.filter(user=user).values("meeting_id")
    meetings = with_answer_of(
        Meeting.objects.filter(pk__in=invited, ends_at__gt=now).exclude(
            status=Meeting.Status.DRAFT
        ),
        user,
    )
    return list(meetings.order_by("starts_at", "pk")[:limit])


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
