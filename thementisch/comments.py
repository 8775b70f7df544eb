"""Comments as barriers and pilots share them: model base, form, edit rules.

A feature app subclasses `AbstractComment` with a foreign key to its object
and writes its own `add_comment` service (it knows whom to notify). Editing
and removing follow one rule set here: the author may edit for
EDIT_WINDOW, the coordinator may remove (the text is kept for the record,
the page shows that it was removed). Bodies are markdown rendered with the
`|markdown` filter, so no raw HTML survives. The partial
`templates/_comments.html` renders a list with the form.
"""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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
        now = now or timezone.now()
        return (
            user.is_authenticated
            and self.author_id == user.pk
            and not self.is_removed
            and now - self.created_at <= EDIT_WINDOW
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
