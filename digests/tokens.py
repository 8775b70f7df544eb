"""Signed unsubscribe links: bound to one member, valid without login (RFC 8058).

The token is the member's id and a fingerprint of their address, signed
with SECRET_KEY (django.core.signing, own salt): it cannot be forged or moved
to another member, and it stops working when the member's address changes
(a new owner of an old address cannot unsubscribe the account).
"""

from __future__ import annotations

import hashlib

from django.core import signing
from django.urls import reverse

from members.models import User
from thementisch.mail import absolute_url

SALT = "digests.unsubscribe"


class InvalidToken(Exception):
    """The link was changed, is incomplete, or its member no longer exists."""


def _fingerprint(user: User) -> str:
    return hashlib.sha256(user.email.lower().encode()).hexdigest()[:10]


def make_token(user: User) -> str:
    """The same token in every digest (no timestamp): old links keep working."""
    return signing.Signer(salt=SALT).sign_object([user.pk, _fingerprint(user)])


def unsubscribe_url(user: User) -> str:
    return absolute_url(reverse("digests:unsubscribe", args=[make_token(user)]))


class UnsubscribeLinks:
    """`unsubscribe_url` for many members, with the path reversed once."""

    def __init__(self) -> None:
        # A token is URL-safe (base64 and ":"): reverse() puts it into the
        # path as it is, like the stand-in.
        stand_in = "token"
        path = absolute_url(reverse("digests:unsubscribe", args=[stand_in]))
        self.around = path.split(stand_in, 1) if path.count(stand_in) == 1 else None

    def url(self, user: User) -> str:
        if self.around is None:
            return unsubscribe_url(user)
        before, after = self.around
        return f"{before}{make_token(user)}{after}"


def read_token(token: str) -> User:
    """The member a token was made for; raises InvalidToken if it is not genuine."""
    try:
        data = signing.Signer(salt=SALT).unsign_object(token)
    except signing.BadSignature as error:
        raise InvalidToken from error
    if not isinstance(data, list) or len(data) != 2:
        raise InvalidToken
    user = User.objects.filter(pk=data[0]).first()
    if user is None or not user.is_active or _fingerprint(user) != data[1]:
        raise InvalidToken
    return user
