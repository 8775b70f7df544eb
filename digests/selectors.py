"""What the dashboard ("Mein Thementisch") shows a member."""

from typing import Any

from allauth.mfa.models import Authenticator

from members.models import User
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
    context["has_interests"] = user.materials.exists() or user.value_chain_stages.exists()
    return context
