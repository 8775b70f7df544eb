"""The policy radar's panel on the member's profile: personal feed and calendar addresses."""

from django.urls import reverse

from members.permissions import is_member
from thementisch.mail import absolute_url


def feeds_section(request) -> dict:
    """Secret addresses of the member's policy feed and calendar (none for pending members)."""
    user = request.user
    if not is_member(user):
        return {}
    return {
        "feed_url": absolute_url(reverse("policy:personal_feed", args=[user.feed_token])),
        "calendar_url": absolute_url(reverse("policy:personal_calendar", args=[user.feed_token])),
        "public_feed_url": absolute_url(reverse("policy:feed")),
    }
