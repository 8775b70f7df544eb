"""Template helpers of the meetings pages."""

from django import template

from sessions.models import Invitation

register = template.Library()

RESPONSE_LABELS = dict(Invitation.Response.choices)
RESPONSE_BADGES = {
    Invitation.Response.YES: "text-bg-success",
    Invitation.Response.NO: "text-bg-secondary",
    Invitation.Response.MAYBE: "text-bg-info",
    Invitation.Response.WAITLISTED: "text-bg-warning",
    Invitation.Response.PENDING: "text-bg-light border",
}


@register.filter
def answer_label(value: str | None) -> str:
    """The label of an answer value (`my_response` annotations are plain values)."""
    return str(RESPONSE_LABELS.get(value, "")) if value else ""


@register.filter
def answer_badge(value: str | None) -> str:
    return RESPONSE_BADGES.get(value, "text-bg-light border")
