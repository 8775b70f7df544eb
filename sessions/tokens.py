"""Signed one-click answer links: bound to one invitation, its invitee and its meeting.

The link carries no secret of its own: it is the invitation id, the meeting
id, the invitee and the answer, signed with SECRET_KEY (django.core.signing).
A changed character breaks the signature; a link for another invitation
cannot be made without the key. Validity in time (deadline, meeting over,
cancelled) is checked against the meeting when the link is used.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core import signing
from django.urls import reverse

from thementisch.mail import absolute_url

from .models import Invitation

SALT = "meetings.answer-link"
ANSWERS = (Invitation.Response.YES, Invitation.Response.NO, Invitation.Response.MAYBE)


class InvalidLink(Exception):
    """The link was changed, is incomplete or its invitation no longer exists."""


@dataclass
class AnswerLink:
    invitation: Invitation
    response: str


def _invitee(invitation: Invitation) -> str:
    return f"u{invitation.user_id}" if invitation.user_id else f"g{invitation.email.lower()}"


def make_token(invitation: Invitation, response: str) -> str:
    return signing.dumps(
        {"i": invitation.pk, "m": invitation.meeting_id, "p": _invitee(invitation), "r": response},
        salt=SALT,
        compress=True,
    )


def answer_url(invitation: Invitation, response: str) -> str:
    return absolute_url(reverse("meetings:answer", args=[make_token(invitation, response)]))


def answer_urls(invitation: Invitation) -> dict[str, str]:
    """The invitee's three answer links (yes, no, maybe), as `answer_url` makes them."""
    # One reverse() for the three: a token is URL-safe (base64 and ":"), so
    # reverse() puts it into the path as it is, like the stand-in.
    stand_in = "token"
    path = absolute_url(reverse("meetings:answer", args=[stand_in]))
    before, after = path.split(stand_in, 1) if path.count(stand_in) == 1 else (None, None)
    if before is None:
        return {response: answer_url(invitation, response) for response in ANSWERS}
    return {response: f"{before}{make_token(invitation, response)}{after}" for response in ANSWERS}


def read_token(token: str) -> AnswerLink:
    """The invitation and answer of a link; raises InvalidLink if it is not genuine."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature as error:
        raise InvalidLink from error
    if not isinstance(data, dict) or data.get("r") not in ANSWERS:
        raise InvalidLink
    invitation = (
        Invitation.objects.select_related("meeting", "user")
        .filter(pk=data.get("i"), meeting_id=data.get("m"))
        .first()
    )
    if invitation is None or _invitee(invitation) != data.get("p"):
        raise InvalidLink
    return AnswerLink(invitation=invitation, response=data["r"])
