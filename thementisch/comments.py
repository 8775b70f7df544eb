"""Comments as barriers and pilots share them: model base, form, edit rules.

A feature app subclasses `AbstractComment` with a foreign key to its object
and writes its own `add_comment` service (it knows whom to notify). Editing
and removing follow one rule set here: the author may edit for
EDIT_WINDOW, the coordinator may remove (the text is kept for the record,
the page shows that it was removed). Bodies are markdown rendered with the
`|markdown` filter, so no raw HTML survives. The partial
`templates/_comments.html` renders a list with the form; each comment is
`templates/_comment.html`, rendered once and kept by `comment_rows`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django import forms
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from .fragments import render_each
from .templatetags.portal import person as person_name  # a member's name as pages show it

EDIT_WINDOW = timedelta(minutes=15)
MAX_LENGTH = 5000


class CommentError(Exception):
    """A comment change that is not allowed; the message says why."""


class AbstractComment(models.Model):
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="%(app_label)s_%(class)s_set",
    )
    body = models.TextField(_("comment"), max_length=MAX_LENGTH)
    created_at = models.DateTimeField(_("written at"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("removed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        abstract = True
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.body[:60]

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None

    def can_be_edited_by(self, user, *, now=None) -> bool:
        """Only the author, only within EDIT_WINDOW, never after removal."""
        return editable_by(
            user,
            author_id=self.author_id,
            removed=self.is_removed,
            created_at=self.created_at,
            now=now,
        )

    def can_be_removed_by(self, user) -> bool:
        return bool(user.is_authenticated and getattr(user, "is_coordinator", False))


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        max_length=MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Markdown works: **bold**, *italic*, lists and links. HTML is removed."),
    )

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError(_("Please write a comment."))
        return body


def edit_comment(comment: AbstractComment, *, by, body: str, now=None) -> AbstractComment:
    """Change the text of a comment; raises CommentError outside the edit window."""
    if not comment.can_be_edited_by(by, now=now):
        raise CommentError(_("Comments can be edited by their author for 15 minutes only."))
    comment.body = body
    comment.edited_at = now or timezone.now()
    comment.save(update_fields=["body", "edited_at"])
    return comment


def remove_comment(comment: AbstractComment, *, by, now=None) -> AbstractComment:
    """Hide a comment (coordinator); raises CommentError for anyone else."""
    if not comment.can_be_removed_by(by):
        raise CommentError(_("Only the coordination can remove comments."))
    comment.removed_at = now or timezone.now()
    comment.removed_by = by
    comment.save(update_fields=["removed_at", "removed_by"])
    return comment


COMMENT_ROW_TEMPLATE = "_comment.html"


def editable_by(user, *, author_id, removed: bool, created_at, now=None) -> bool:
    """The edit rule: only the author, only within EDIT_WINDOW, never after removal."""
    now = now or timezone.now()
    return bool(
        user.is_authenticated
        and author_id == user.pk
        and not removed
        and now - created_at <= EDIT_WINDOW
    )


@dataclass(frozen=True, slots=True)
class CommentRow:
    """What one comment shows to one viewer: the row template reads only these fields,
    and all of them are the key of its cached HTML."""

    pk: int
    author_hidden: bool  # the anonymous submitter's own comment: "the submitter"
    author_name: str  # "" when hidden
    organisation_name: str  # "" when hidden or without organisation
    created_at: datetime
    edited: bool
    removed: bool
    body: str  # "" once removed (the page does not show it)
    may_edit: bool  # the viewer may still edit it


def comment_row(
    *,
    pk: int,
    author_id: int | None,
    author_name: str,
    organisation_name: str | None,
    body: str,
    created_at: datetime,
    edited_at: datetime | None,
    removed_at: datetime | None,
    hidden: bool,
    viewer,
    now: datetime,
) -> CommentRow:
    """The row of one comment for `viewer`; `author_name` is what `|person` shows."""
    removed = removed_at is not None
    return CommentRow(
        pk=pk,
        author_hidden=hidden,
        author_name="" if hidden else author_name,
        organisation_name="" if hidden else organisation_name or "",
        created_at=created_at,
        edited=edited_at is not None,
        removed=removed,
        body="" if removed else body,
        may_edit=editable_by(
            viewer, author_id=author_id, removed=removed, created_at=created_at, now=now
        ),
    )


def row_of(comment: AbstractComment, viewer, *, hidden: bool, now: datetime) -> CommentRow:
    """The row of a comment model instance (with `author` and its organisation loaded)."""
    author = comment.author
    return comment_row(
        pk=comment.pk,
        author_id=comment.author_id,
        author_name=person_name(author),
        organisation_name=author.organisation.name
        if author is not None and author.organisation_id
        else None,
        body=comment.body,
        created_at=comment.created_at,
        edited_at=comment.edited_at,
        removed_at=comment.removed_at,
        hidden=hidden,
        viewer=viewer,
        now=now,
    )


def comment_rows(
    comments,
    viewer,
    *,
    hide_author_ids=frozenset(),
    edit_url_name: str = "",
    remove_url_name: str = "",
) -> list[SafeString]:
    """The HTML of each comment for `viewer`, from the fragment cache where it is there.

    `comments` are `CommentRow`s (built by the page's selector) or comment
    model instances with `author` and `author.organisation` loaded, whose
    author is hidden when their pk is in `hide_author_ids`. Whether the
    viewer may remove comments is part of the shared context: the remove
    button posts the form `comment-remove-form` that `_comments.html` holds
    with the CSRF token, so rows carry no token.
    """
    now = timezone.now()
    rows = [
        comment
        if isinstance(comment, CommentRow)
        else row_of(comment, viewer, hidden=comment.pk in hide_author_ids, now=now)
        for comment in comments
    ]
    may_remove = bool(remove_url_name and getattr(viewer, "is_coordinator", False))
    return render_each(
        COMMENT_ROW_TEMPLATE,
        rows,
        _row_key,
        name="comment",
        context={
            "edit_url_name": edit_url_name,
            "remove_url_name": remove_url_name,
            "may_remove": may_remove,
            "time_zone": timezone.get_current_timezone_name(),
        },
    )


def _row_key(row: CommentRow) -> tuple:
    # Every field of the row is shown (or decides what is shown); the time
    # as a number keeps the key cheap to build.
    return (
        row.pk,
        row.author_hidden,
        row.author_name,
        row.organisation_name,
        row.created_at.timestamp(),
        row.edited,
        row.removed,
        row.body,
        row.may_edit,
    )
