"""Pilot projects that turn barriers into practice.

Core models laid down with the foundation so meetings can link to pilots;
the pilots work extends them.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PilotProject(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IDEA = "idea", _("Idea")
        SEEKING_PARTNERS = "seeking_partners", _("Seeking partners")
        CONSORTIUM_FORMED = "consortium_formed", _("Consortium formed")
        FUNDING_APPLIED = "funding_applied", _("Funding applied for")
        RUNNING = "running", _("Running")
        COMPLETED = "completed", _("Completed")
        DISCONTINUED = "discontinued", _("Discontinued")

    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pilots",
    )
    organisation = models.ForeignKey(
        "members.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pilots",
    )
    barriers = models.ManyToManyField(
        "barriers.Barrier",
        verbose_name=_("barriers it addresses"),
        blank=True,
        related_name="pilots",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("pilot project")
        verbose_name_plural = _("pilot projects")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("pilots:detail", args=[self.pk])


class PilotEvent(models.Model):
    """One entry of a pilot's timeline: a status change, a note, a meeting outcome."""

    pilot = models.ForeignKey(PilotProject, on_delete=models.CASCADE, related_name="events")
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
        return f"{self.pilot}: {self.kind}"
