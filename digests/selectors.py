"""What the dashboard ("Mein Thementisch") shows a member."""

from typing import Any

from allauth.mfa.models import Authenticator

from barriers.selectors import dashboard_panel as barriers_panel
from members.models import User
from pilots.selectors import dashboard_panel as pilots_panel
from policy import selectors as policy_selectors
from sessions.selectors import dashboard_panel as meetings_panel


def dashboard_for(user: User) -> dict[str, Any]:
    """The dashboard panels for `user`, each loaded with a fixed number of queries.

    A member's dashboard runs six queries besides session and user: next
    meetings, own and endorsed barriers (one), policy dates, followed
    updates, interests, matching partner needs. The rows of every panel come
    from the fragment cache (`thementisch.fragments`); the panels around
    them are rendered for each request.
    """
    context: dict[str, Any] = {"member": user}
    if user.is_coordinator:
        context["pending_members"] = User.objects.filter(
            is_active=True, status=User.Status.PENDING
        ).count()
        context["recommend_mfa"] = not Authenticator.objects.filter(
            user=user, type=Authenticator.Type.TOTP
        ).exists()
    context.update(meetings_panel(user))
    context.update(barriers_panel(user))
    context["policy"] = policy_selectors.dashboard_panel(user)
    # Sets `has_interests` too: the member's own interests come with the matching.
    context.update(pilots_panel(user))
    return context
