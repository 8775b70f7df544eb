"""Pilot projects that turn barriers into practice.

A member proposes a pilot (draft, then published), names the partners it
needs, other members apply on behalf of their organisation, and the
accepted organisations form the consortium. Operations live in
`pilots.services`.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from thementisch.comments import AbstractComment
from thementisch.models import ChoiceLabelsMixin
from thementisch.timeline import AbstractEvent

from .taxonomy import (
    TRL,
    BudgetRange,
    PartnerRole,
    funding_choices,
    funding_label,
    strategy_choices,
    strategy_label,
)


class PilotQuerySet(models.QuerySet):
    def published(self):
        """Pilots all members may see (not drafts): `barrier.pilots.published` on a barrier page."""
        return self.exclude(status=PilotProject.Status.DRAFT)


class PilotProject(ChoiceLabelsMixin, models.Model):
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
    summary = models.TextField(_("summary"), blank=True)
    objectives = models.TextField(_("objectives"), blank=True)
    strategy = models.CharField(
        _("circular strategy"), max_length=3, choices=strategy_choices, blank=True
    )
    materials = models.ManyToManyField(
        "thementisch.Material", verbose_name=_("materials"), blank=True, related_name="pilots"
    )
    value_chain_stages = models.ManyToManyField(
        "thementisch.ValueChainStage",
        verbose_name=_("value-chain stages"),
        blank=True,
        related_name="pilots",
    )
    trl_current = models.PositiveSmallIntegerField(
        _("technology readiness now"), choices=TRL.choices, null=True, blank=True
    )
    trl_target = models.PositiveSmallIntegerField(
        _("technology readiness targeted"), choices=TRL.choices, null=True, blank=True
    )
    funding_programme = models.CharField(
        _("funding programme in view"), max_length=40, choices=funding_choices, blank=True
    )
    funding_other = models.CharField(_("other funding programme"), max_length=200, blank=True)
    budget_range = models.CharField(
        _("budget range"), max_length=12, choices=BudgetRange.choices, blank=True
    )
    duration_months = models.PositiveSmallIntegerField(
        _("planned duration (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    contact_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("contact person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pilot_contacts",
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    seeking_until = models.DateTimeField(
        _("listed as seeking partners until"),
        null=True,
        blank=True,
        help_text=_("Six months after the search started or was last renewed."),
    )
    renewal_reminded_for = models.DateTimeField(
        _("renewal reminder sent for"),
        null=True,
        blank=True,
        help_text=_("The end of the listing period the proposer was last reminded of."),
    )
    is_demo = models.BooleanField(_("demo content"), default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    objects = PilotQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("pilot project")
        verbose_name_plural = _("pilot projects")
        indexes = [
            models.Index(fields=["status", "seeking_until"], name="pilot_status_seeking_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(trl_target__isnull=True)
                | Q(trl_current__isnull=True)
                | Q(trl_target__gte=models.F("trl_current")),
                name="pilot_trl_target_not_below_current",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("pilots:detail", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.status != self.Status.DRAFT

    @property
    def is_closed(self) -> bool:
        return self.status in (self.Status.COMPLETED, self.Status.DISCONTINUED)

    @property
    def strategy_display(self) -> str:
        return strategy_label(self.strategy) if self.strategy else ""

    @property
    def funding_display(self) -> str:
        if not self.funding_programme:
            return ""
        if self.funding_programme == "other":
            return self.funding_other or str(_("Other programme"))
        return funding_label(self.funding_programme)


class PartnerNeed(ChoiceLabelsMixin, models.Model):
    """A partner the pilot looks for: a role, optionally a stage and a material."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        FILLED = "filled", _("filled")

    pilot = models.ForeignKey(PilotProject, on_delete=models.CASCADE, related_name="needs")
    role = models.CharField(_("role"), max_length=30, choices=PartnerRole.choices)
    stage = models.ForeignKey(
        "thementisch.ValueChainStage",
        verbose_name=_("value-chain stage"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    material = models.ForeignKey(
        "thementisch.Material",
        verbose_name=_("material"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    description = models.CharField(_("short description"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    filled_by = models.ForeignKey(
        "members.Organisation",
        verbose_name=_("filled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    filled_at = models.DateTimeField(_("filled at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("partner need")
        verbose_name_plural = _("partner needs")
        indexes = [models.Index(fields=["status", "stage"], name="need_status_stage_idx")]

    def __str__(self) -> str:
        return f"{self.get_role_display()} ({self.pilot})"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class PilotApplication(ChoiceLabelsMixin, models.Model):
    """An organisation's application to join a pilot, for one need or in general."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for a decision")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")
        REOPENED = "reopened", _("declined, new application possible")
        WITHDRAWN = "withdrawn", _("withdrawn")

    pilot = models.ForeignKey(PilotProject, on_delete=models.CASCADE, related_name="applications")
    need = models.ForeignKey(
        PartnerNeed,
        verbose_name=_("partner need"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="applications",
    )
    organisation = models.ForeignKey(
        "members.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="pilot_applications",
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pilot_applications",
    )
    message = models.TextField(_("message"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("note on the decision"), blank=True)
    created_at = models.DateTimeField(_("applied at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            # One open application per organisation and need; a declined one
            # blocks a new application until the proposer reopens it.
            models.UniqueConstraint(
                fields=["need", "organisation"],
                condition=Q(status__in=["pending", "declined"]) & Q(need__isnull=False),
                name="pilot_application_one_open_per_need",
            ),
            models.UniqueConstraint(
                fields=["pilot", "organisation"],
                condition=Q(status__in=["pending", "declined"]) & Q(need__isnull=True),
                name="pilot_application_one_open_general",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.pilot}"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING


class PilotComment(AbstractComment):
    pilot = models.ForeignKey(PilotProject, on_delete=models.CASCADE, related_name="comments")

    class Meta(AbstractComment.Meta):
        verbose_name = _("comment")
        verbose_name_plural = _("comments")


class PilotEvent(AbstractEvent):
    """One entry of a pilot's timeline: a status change, a note, a meeting outcome."""

    status_choices = PilotProject.Status
    pilot = models.ForeignKey(PilotProject, on_delete=models.CASCADE, related_name="events")

    class Meta(AbstractEvent.Meta):
        pass

    def __str__(self) -> str:
        return f"{self.pilot}: {self.kind}"
