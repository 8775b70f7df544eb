"""Digest runs: one row per edition, its members split into batches.

The mails themselves are outbox rows (`thementisch.OutgoingEmail`, key
`digest:<edition>:user:<id>`); these rows only record which members an
edition is for and which batches are composed, so a run interrupted by a
killed worker or a broker outage is resumed, never repeated.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .periods import DAILY, WEEKLY, Period, period_for_edition


class DigestRun(models.Model):
    """One edition of the weekly or daily digest."""

    class Frequency(models.TextChoices):
        WEEKLY = WEEKLY, _("weekly")
        DAILY = DAILY, _("daily")

    edition = models.CharField(_("edition"), max_length=20, unique=True)
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices)
    period_start = models.DateTimeField(_("covers from"))
    period_end = models.DateTimeField(_("covers until"))
    members = models.PositiveIntegerField(_("members"), default=0)
    queued = models.PositiveIntegerField(_("digests queued"), default=0)
    created_at = models.DateTimeField(_("started"), default=timezone.now)
    dispatched_at = models.DateTimeField(_("last dispatched"), null=True, blank=True)
    completed_at = models.DateTimeField(_("composed completely"), null=True, blank=True)

    class Meta:
        ordering = ["-period_end", "frequency"]
        verbose_name = _("digest run")
        verbose_name_plural = _("digest runs")

    def __str__(self) -> str:
        return f"{self.get_frequency_display()} {self.edition}"

    @property
    def period(self) -> Period:
        return period_for_edition(self.edition)

    @property
    def topic(self) -> str:
        return self.period.topic


class DigestBatch(models.Model):
    """Up to BATCH_SIZE members of a run, composed in one transaction by one task."""

    run = models.ForeignKey(DigestRun, on_delete=models.CASCADE, related_name="batches")
    number = models.PositiveIntegerField(_("number"))
    member_ids = models.JSONField(_("member ids"), default=list)
    dispatched_at = models.DateTimeField(_("dispatched"), null=True, blank=True)
    done_at = models.DateTimeField(_("composed"), null=True, blank=True)
    queued = models.PositiveIntegerField(_("digests queued"), default=0)

    class Meta:
        ordering = ["run", "number"]
        verbose_name = _("digest batch")
        verbose_name_plural = _("digest batches")
        constraints = [
            models.UniqueConstraint(fields=["run", "number"], name="digest_batch_once"),
        ]
        indexes = [models.Index(fields=["run", "done_at"], name="digest_batch_open_idx")]

    def __str__(self) -> str:
        return f"{self.run} #{self.number}"
