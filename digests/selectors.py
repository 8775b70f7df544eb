"""What the dashboard ("Mein Thementisch") shows a member."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from allauth.mfa.models import Authenticator
from django.db import connection

from barriers.selectors import send_dashboard_panel as send_barriers_panel
from members.models import User
from pilots.selectors import send_dashboard_panel as send_pilots_panel
from policy.selectors import send_dashboard_panel as send_policy_panel
from sessions.selectors import send_dashboard_panel as send_meetings_panel


@contextmanager
def batched_queries() -> Iterator[None]:
    """Queries sent in the block go to the database in one batch (psycopg's pipeline
    mode) where it is available: a query whose rows are not read yet does not wait
    for its answer before the next is sent. Elsewhere a no-op."""
    if connection.vendor != "postgresql":
        yield
        return
    connection.ensure_connection()
    pipeline = getattr(connection.connection, "pipeline", None)  # psycopg 3, not psycopg2
    if pipeline is None or not _pipeline_supported():
        yield
        return
    with pipeline():
        yield


def _pipeline_supported() -> bool:
    from psycopg import Pipeline

    return Pipeline.is_supported()  # libpq 14 or later


def dashboard_for(user: User) -> dict[str, Any]:
    """The dashboard panels for `user`, each loaded with a fixed number of queries.

    A member's dashboard runs six queries besides session and user: next
    meetings, own and endorsed barriers (one), policy dates, followed
    updates, interests, matching partner needs. All but the last are sent
    in one batch before any is read; the last is sent as soon as the
    interests are read. Each panel comes rendered from the fragment
    cache (`thementisch.fragments`), keyed by its rows and counts: the data is
    read on every request, the HTML is rendered only when it changed.
    """
    context: dict[str, Any] = {"member": user}
    with batched_queries():
        # The pilots panel first: its second query (the matching needs) depends on the
        # first (the interests); read first, it is sent while the others are answered.
        panels = [
            send_pilots_panel(user),
            send_meetings_panel(user),
            send_barriers_panel(user),
            send_policy_panel(user),
        ]
        if user.is_coordinator:
            context["pending_members"] = User.objects.filter(
                is_active=True, status=User.Status.PENDING
            ).count()
            context["recommend_mfa"] = not Authenticator.objects.filter(
                user=user, type=Authenticator.Type.TOTP
            ).exists()
        for panel in panels:
            # The pilots panel also sets `has_interests`: the member's own interests
            # come with the matching.
            context.update(panel())
    return context
