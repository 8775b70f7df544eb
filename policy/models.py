"""The policy radar: regulation and strategies that matter for metals.

A `PolicyItem` is a regulation, law, strategy or programme with its status,
its key dates (`PolicyKeyDate`, some known only to the month, quarter, half
year or year), the coordinator's dated updates (`PolicyUpdate`) and the
members who follow it (`PolicyFollow`). Texts from the reference data exist in
German and English; `display_*` picks the active language.
"""

from __future__ import annotations

import calendar
import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext_lazy as _

from thementisch.models import ChoiceLabelsMixin

# Paths under /policy/ that an item's slug must not take.
RESERVED_SLUGS = {"calendar", "feed", "calendar.ics"}


def _english() -> bool:
    return (get_language() or "de").startswith("en")


class Level(models.TextChoices):
    EU = "eu", _("EU")
    FEDERAL = "bund", _("Federal")
    NRW = "land_nrw", _("NRW")


class ItemType(models.TextChoices):
    REGULATION = "regulation", _("Regulation")
    DIRECTIVE = "directive", _("Directive")
    LAW = "law", _("Law")
    ORDINANCE = "ordinance", _("Ordinance")
    PROPOSAL = "proposal", _("Legislative proposal")
    PLANNED = "planned_legislation", _("Planned legislation")
    STRATEGY = "strategy", _("Strategy")
    ACTION_PLAN = "action_plan", _("Action plan")
    COMMUNICATION = "communication", _("Communication")
    FUNDING = "funding_programme", _("Funding programme")
    INSTITUTION = "institution", _("Institution")


class Status(models.TextChoices):
    PLANNED = "planned", _("Announced / in preparation")
    CONSULTATION = "consultation", _("Consultation")
    PROPOSAL = "proposal", _("Proposal / draft")
    IN_PROCEDURE = "in_procedure", _("In legislative procedure")
    POLITICAL_AGREEMENT = "political_agreement", _("Provisional political agreement")
    ADOPTED = "adopted", _("Adopted (not yet in force)")
    IN_FORCE = "in_force", _("In force")
    APPLIES = "applies", _("Applies")
    STRATEGY_ADOPTED = "strategy_adopted", _("Strategy / communication adopted")
    INSTITUTION = "institution", _("Institutional measure")
    REPEALED = "repealed", _("Repealed / withdrawn")


class Verification(models.TextChoices):
    VERIFIED = "verified", _("verified")
    PARTIALLY = "partially_verified", _("partially verified")
    UNVERIFIED = "unverified", _("unverified")


class PolicyItem(ChoiceLabelsMixin, models.Model):
    """A regulation, directive, law, strategy or programme on the radar."""

    title = models.CharField(_("title"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    slug = models.SlugField(_("address"), max_length=120, unique=True)
    import_key = models.CharField(
        _("key in the reference data"),
        max_length=60,
        unique=True,
        null=True,
        blank=True,
        help_text=_("The id of the entry in the reference data it was loaded from."),
    )
    reference = models.CharField(
        _("official reference"),
        max_length=200,
        blank=True,
        help_text=_("e.g. Verordnung (EU) 2024/1252"),
    )
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    kind = models.CharField(
        _("type"), max_length=30, choices=ItemType.choices, default=ItemType.REGULATION
    )
    status = models.CharField(
        _("status"), max_length=30, choices=Status.choices, default=Status.PROPOSAL
    )
    status_as_of = models.DateField(
        _("status as of"),
        null=True,
        blank=True,
        help_text=_("Month up to which the status is backed by a source."),
    )
    summary = models.TextField(_("summary"), blank=True, help_text=_("Markdown."))
    summary_en = models.TextField(_("summary (English)"), blank=True)
    relevance = models.TextField(
        _("relevance for the metal industry"), blank=True, help_text=_("Markdown.")
    )
    relevance_en = models.TextField(_("relevance for the metal industry (English)"), blank=True)
    materials = models.ManyToManyField(
        "thementisch.Material",
        verbose_name=_("materials concerned"),
        blank=True,
        related_name="policy_items",
    )
    value_chain_stages = models.ManyToManyField(
        "thementisch.ValueChainStage",
        verbose_name=_("value-chain stages concerned"),
        blank=True,
        related_name="policy_items",
    )
    source_url = models.URLField(_("official source"), max_length=500, blank=True)
    verification = models.CharField(
        _("verification"),
        max_length=20,
        choices=Verification.choices,
        default=Verification.VERIFIED,
    )
    unverified_details = models.TextField(
        _("details not yet checked"), blank=True, help_text=_("One per line.")
    )
    needs_review = models.BooleanField(
        _("needs review"),
        default=False,
        db_index=True,
        help_text=_("Members see a notice that the entry is not fully checked yet."),
    )
    is_demo = models.BooleanField(_("demo content"), default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("policy item")
        verbose_name_plural = _("policy items")

    def __str__(self) -> str:
        return self.short_name or self.title

    def get_absolute_url(self) -> str:
        return reverse("policy:detail", args=[self.slug])

    def clean(self) -> None:
        if self.slug in RESERVED_SLUGS:
            raise ValidationError({"slug": _("This address is reserved; choose another one.")})

    @property
    def display_title(self) -> str:
        return self.title_en if _english() and self.title_en else self.title

    @property
    def display_name(self) -> str:
        return self.short_name or self.display_title

    @property
    def display_summary(self) -> str:
        return self.summary_en if _english() and self.summary_en else self.summary

    @property
    def display_relevance(self) -> str:
        return self.relevance_en if _english() and self.relevance_en else self.relevance

    @property
    def summary_is_german_fallback(self) -> bool:
        return _english() and not self.summary_en and bool(self.summary)

    @property
    def relevance_is_german_fallback(self) -> bool:
        return _english() and not self.relevance_en and bool(self.relevance)

    @property
    def unverified_detail_list(self) -> list[str]:
        return [line.strip() for line in self.unverified_details.splitlines() if line.strip()]


class Precision(models.TextChoices):
    DAY = "day", _("day")
    MONTH = "month", _("month")
    QUARTER = "quarter", _("quarter")
    HALF = "half", _("half year")
    YEAR = "year", _("year")


def period_end(start: datetime.date, precision: str) -> datetime.date:
    """The last day of the period that starts at `start` with `precision`."""
    if precision == Precision.DAY:
        return start
    months = {Precision.MONTH: 1, Precision.QUARTER: 3, Precision.HALF: 6, Precision.YEAR: 12}
    last_month = start.month + months[Precision(precision)] - 1
    return datetime.date(start.year, last_month, calendar.monthrange(start.year, last_month)[1])


class PolicyKeyDate(ChoiceLabelsMixin, models.Model):
    """A dated step of a policy item: proposal, adoption, entry into force, a deadline.

    Many dates are known only roughly ("2026", "2026-H1"): `date` is the first
    day of the period and `precision` says how exact it is; `date_end` (the
    last day of the period) decides whether a date is still upcoming.
    """

    class Kind(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        CONSULTATION_START = "consultation_start", _("Consultation opens")
        CONSULTATION_END = "consultation_end", _("Consultation closes")
        ADOPTED = "adopted", _("Adopted")
        PUBLISHED = "published", _("Published")
        IN_FORCE = "in_force", _("Enters into force")
        APPLIES_FROM = "applies_from", _("Applies from")
        DEADLINE = "deadline", _("Deadline")
        MILESTONE = "milestone", _("Milestone")

    item = models.ForeignKey(
        PolicyItem,
        verbose_name=_("policy item"),
        on_delete=models.CASCADE,
        related_name="key_dates",
    )
    date = models.DateField(_("date"), help_text=_("For a month, quarter or year: its first day."))
    precision = models.CharField(
        _("exact to the"), max_length=10, choices=Precision.choices, default=Precision.DAY
    )
    date_end = models.DateField(_("period ends"), editable=False, db_index=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.MILESTONE)
    label = models.CharField(_("what happens"), max_length=400)
    label_en = models.CharField(_("what happens (English)"), max_length=400, blank=True)
    needs_review = models.BooleanField(
        _("not confirmed"), default=False, help_text=_("Shown as not confirmed to members.")
    )

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("key date")
        verbose_name_plural = _("key dates")

    def __str__(self) -> str:
        return f"{self.when}: {self.label}"

    def save(self, *args, **kwargs):
        # An invariant of the row, not a side effect: the end follows from start and precision.
        self.date_end = period_end(self.date, self.precision)
        super().save(*args, **kwargs)

    @property
    def display_label(self) -> str:
        return self.label_en if _english() and self.label_en else self.label

    @property
    def label_is_german_fallback(self) -> bool:
        return _english() and not self.label_en

    @property
    def is_exact(self) -> bool:
        return self.precision == Precision.DAY

    @property
    def when(self) -> str:
        """The date as precise as it is known, in the active language."""
        if self.precision == Precision.DAY:
            return formats.date_format(self.date, "DATE_FORMAT")
        if self.precision == Precision.MONTH:
            return formats.date_format(self.date, "YEAR_MONTH_FORMAT")
        if self.precision == Precision.QUARTER:
            quarter = (self.date.month - 1) // 3 + 1
            return pgettext("quarter of a year", "Q%(quarter)d %(year)d") % {
                "quarter": quarter,
                "year": self.date.year,
            }
        if self.precision == Precision.HALF:
            half = 1 if self.date.month <= 6 else 2
            return pgettext("half of a year", "H%(half)d %(year)d") % {
                "half": half,
                "year": self.date.year,
            }
        return str(self.date.year)


class PolicyUpdate(models.Model):
    """A dated entry by the coordinator: what changed and what it means for members."""

    item = models.ForeignKey(
        PolicyItem, verbose_name=_("policy item"), on_delete=models.CASCADE, related_name="updates"
    )
    date = models.DateField(
        _("date"), default=timezone.localdate, help_text=_("When the development happened.")
    )
    title = models.CharField(
        _("headline"),
        max_length=200,
        help_text=_("Also shown in the public feed: no internal information here."),
    )
    body = models.TextField(
        _("what changed and what it means for members"),
        help_text=_("Markdown. Only members see this text."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_demo = models.BooleanField(_("demo content"), default=False)
    created_at = models.DateTimeField(_("published at"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-date", "-created_at", "-pk"]
        verbose_name = _("update")
        verbose_name_plural = _("updates")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"{self.item.get_absolute_url()}#update-{self.pk}"


class PolicyFollow(models.Model):
    """A member follows a policy item and is told about its updates."""

    item = models.ForeignKey(
        PolicyItem, verbose_name=_("policy item"), on_delete=models.CASCADE, related_name="follows"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="policy_follows",
    )
    created_at = models.DateTimeField(_("since"), default=timezone.now)

    class Meta:
        verbose_name = _("follower")
        verbose_name_plural = _("followers")
        constraints = [
            models.UniqueConstraint(fields=["item", "user"], name="policy_follow_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.item}"
