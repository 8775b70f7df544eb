"""The digest's panel on the member's profile: how each kind of notification is emailed."""

from members.permissions import is_member

from .forms import NotificationSettingsForm


def notification_section(request) -> dict:
    """The notification settings form (none for pending members: they get no notifications)."""
    user = request.user
    if not is_member(user):
        return {}
    return {"form": NotificationSettingsForm(user=user), "member": user}
