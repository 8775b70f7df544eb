"""Who may see and do what on the policy radar.

Every approved member (member, ministry, coordinator) reads all items and
follows them; the coordinator edits in the admin. The public Atom feed
carries only headlines; the personal feed and calendar URLs carry a
member's secret token instead of a login.
"""

from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404

from members.models import User
from members.permissions import is_coordinator, is_member

from .models import PolicyItem
from .selectors import policy_item_detail


def can_view_items(user: Any) -> bool:
    return is_member(user)


def can_follow(user: Any) -> bool:
    return is_member(user)


def can_edit_items(user: Any) -> bool:
    return is_coordinator(user)


def get_item_for_user(user: Any, slug: str) -> PolicyItem:
    """The item for its page; 404 if it does not exist (views check the role first)."""
    return get_object_or_404(policy_item_detail(slug))


def member_for_token(token: str) -> User:
    """The approved, active member whose feed token this is; 404 otherwise."""
    if not token or len(token) > 64:
        raise Http404
    user = User.objects.filter(
        feed_token=token, is_active=True, status=User.Status.APPROVED
    ).first()
    if user is None:
        raise Http404
    return user
