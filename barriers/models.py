"""Barriers (Hemmnisse) to the circular economy of metals.

Core models laid down with the foundation so pilots and meetings can link
to barriers; the barriers work extends them.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Barrier(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        IN_REVIEW = "in_review", _("In review")
        PUBLISHED = "published", _("Published")
        FORWARDED = "forwarded", _("Forwarded to policy makers")
        ANSWERED = "answered", _("Answered")
        RESOLVED = "resolved", _("Resolved")
        DEFERRED = "deferred", _("Deferred")
        REJECTED = "rejected", _("Rejected")
        MERGED = "merged", _("Merged")

    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="barriers",
    )
    organisation = models.ForeignKey(
        "members.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="barriers",
    )
    is_anonymous = models.BooleanField(
        _("anonymous"),
        default=False,
        help_text=_("Shown without person or organisation to everyone but the coordination."),
    )
    policy_item = models.ForeignKey(
        "policy.PolicyItem",
        verbose_name=_("regulation it stems from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="barriers",
    )
    created_at = models.DateTimeField(_("submitted at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("barrier")
        verbose_name_plural = _("barriers")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("barriers:detail", args=[self.pk])


class BarrierEvent(models.Model):
    """One entry of a barrier's timeline: a status change, a note, a meeting outcome."""

    barrier = models.ForeignKey(Barrier, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=30)
    from_status = models.CharField(_("from"), max_length=20, blank=True)
    to_status = models.CharField(_("to"), max_length=20, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")

    def __str__(self) -> str:
        return f"{self.barrier}: {self.kind}"
