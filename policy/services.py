"""Operations of the policy radar: updates (and who is told about them), following."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import Truncator, format_lazy
from django.utils.translation import gettext_lazy as _

from members.models import User
from members.services import notify
from thementisch.markdown import markdown_to_text

from .models import PolicyFollow, PolicyItem, PolicyUpdate

NOTIFICATION_KIND = "policy_update"
NOTIFICATION_BODY_CHARS = 500


class PolicyError(Exception):
    """An operation on the policy radar that cannot be done; the message says why."""


@transaction.atomic
def add_update(
    item: PolicyItem,
    *,
    title: str,
    body: str,
    author: Any = None,
    date: datetime.date | None = None,
) -> PolicyUpdate:
    """Publish a dated update on `item` and notify its followers.

    Every follower except the author gets one `policy_update` notification
    (mailed instantly or kept for the digest, as each member chose); the
    notification key makes this happen once per update and member.
    Raises PolicyError for an empty title or text.
    """
    title = " ".join(title.split())
    if not title or not body.strip():
        raise PolicyError(_("An update needs a headline and a text."))
    update = PolicyUpdate.objects.create(
        item=item,
        title=title,
        body=body,
        author=author,
        date=date or timezone.localdate(),
    )
    PolicyItem.objects.filter(pk=item.pk).update(updated_at=timezone.now())
    notify_followers(update)
    return update


def notify_followers(update: PolicyUpdate) -> int:
    """Notify every follower of the update's item (not its author), once each.

    Safe to call again: the notification key skips members already told.
    Returns the number of new notifications.
    """
    item = update.item
    followers = User.objects.filter(
        policy_follows__item=item, is_active=True, status=User.Status.APPROVED
    ).exclude(pk=update.author_id)
    title = format_lazy(
        _("Policy radar: {item}: {title}"),
        item=item.short_name or item.title,
        title=update.title,
    )
    body = Truncator(markdown_to_text(update.body)).chars(NOTIFICATION_BODY_CHARS)
    told = 0
    for follower in followers:
        notification = notify(
            follower,
            kind=NOTIFICATION_KIND,
            title=title,
            body=body,
            url=update.get_absolute_url(),
            key=f"policy:update:{update.pk}:user:{follower.pk}",
        )
        if notification is not None:
            told += 1
    return told


def follow_item(item: PolicyItem, *, user: User) -> PolicyFollow:
    """Let `user` follow `item` (idempotent). Raises PolicyError for non-members."""
    if not user.is_member:
        raise PolicyError(_("Only approved members can follow policy items."))
    try:
        with transaction.atomic():
            follow, _created = PolicyFollow.objects.get_or_create(item=item, user=user)
    except IntegrityError:  # a parallel request created it first
        follow = PolicyFollow.objects.get(item=item, user=user)
    return follow


def unfollow_item(item: PolicyItem, *, user: User) -> bool:
    """Stop following `item`. Returns whether `user` was following it."""
    deleted, _details = PolicyFollow.objects.filter(item=item, user=user).delete()
    return bool(deleted)


def mark_reviewed(items) -> int:
    """Clear the "needs review" flag of the given items (admin action). Returns the count."""
    return PolicyItem.objects.filter(pk__in=[item.pk for item in items]).update(needs_review=False)
