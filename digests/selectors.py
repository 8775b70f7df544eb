"""What the dashboard ("Mein Thementisch") shows a member."""

from typing import Any

from allauth.mfa.models import Authenticator

from barriers.selectors import dashboard_panel as barriers_panel
from members.models import User
from pilots.selectors import dashboard_panel as pilots_panel
from policy import selectors as policy_selectors
from sessions.selectors import next_meetings_for


def dashboard_for(user: User) -> dict[str, Any]:
    """The dashboard panels for `user`, each loaded with a fixed number of queries."""
    context: dict[str, Any] = {"member": user}
    if user.is_coordinator:
        context["pending_members"] = User.objects.filter(
            is_active=True, status=User.Status.PENDING
        ).count()
        context["recommend_mfa"] = not Authenticator.objects.filter(
            user=user, type=Authenticator.Type.TOTP
        ).exists()
    context["next_meetings"] = next_meetings_for(user)
    context.update(barriers_panel(user))
    context["policy"] = policy_selectors.dashboard_panel(user)
    context["has_interests"] = user.materials.exists() or user.value_chain_stages.exists()
    context.update(pilots_panel(user))
    return context
