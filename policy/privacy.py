"""The member's policy radar data for the personal data export."""

from typing import Any

from .models import PolicyFollow, PolicyUpdate


def export_policy(user) -> dict[str, Any]:
    return {
        "following": [
            {"item": str(follow.item), "since": follow.created_at.isoformat()}
            for follow in PolicyFollow.objects.filter(user=user).select_related("item")
        ],
        "updates_written": [
            {
                "item": str(update.item),
                "date": update.date.isoformat(),
                "title": update.title,
                "published_at": update.created_at.isoformat(),
            }
            for update in PolicyUpdate.objects.filter(author=user).select_related("item")
        ],
    }
