from datetime import timedelta

import pytest
from django.utils import timezone

from thementisch.comments import CommentError, CommentForm, edit_comment, remove_comment


class FakeComment:
    """The rules only need the fields of AbstractComment; no table is needed."""

    from thementisch.comments import AbstractComment as _Base

    can_be_edited_by = _Base.can_be_edited_by
    can_be_removed_by = _Base.can_be_removed_by
    is_removed = _Base.is_removed

    def __init__(self, author, created_at):
        self.author_id = author.pk
        self.created_at = created_at
        self.removed_at = None
        self.removed_by = None
        self.edited_at = None
        self.body = "Erster Text"

    def save(self, update_fields):
        self.saved = update_fields


def test_author_edits_within_fifteen_minutes(member):
    comment = FakeComment(member, timezone.now() - timedelta(minutes=14))

    edit_comment(comment, by=member, body="Zweiter Text")

    assert comment.body == "Zweiter Text"
    assert comment.edited_at is not None


def test_author_cannot_edit_after_fifteen_minutes(member):
    comment = FakeComment(member, timezone.now() - timedelta(minutes=16))

    with pytest.raises(CommentError):
        edit_comment(comment, by=member, body="Zu spät")
    assert comment.body == "Erster Text"


def test_other_member_cannot_edit(member, peer):
    comment = FakeComment(member, timezone.now())

    with pytest.raises(CommentError):
        edit_comment(comment, by=peer, body="Fremd")


def test_only_coordinator_removes(member, coordinator):
    comment = FakeComment(member, timezone.now())

    with pytest.raises(CommentError):
        remove_comment(comment, by=member)
    remove_comment(comment, by=coordinator)

    assert comment.is_removed
    assert comment.removed_by == coordinator


def test_blank_comment_is_refused():
    form = CommentForm(data={"body": "   "})

    assert not form.is_valid()
    assert form.errors["body"] == ["Dieses Feld ist zwingend erforderlich."]
