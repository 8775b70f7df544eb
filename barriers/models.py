"""Barriers (Hemmnisse) to the circular economy of metals.

A member logs a barrier; other members endorse and discuss it; the
coordinator triages, merges and forwards it to a ministry, which answers.
Every status change is a `BarrierEvent` (the timeline). The classification
(category, kind of need, governance level, root cause) are fixed code lists
(TextChoices) taken from the working group's reference file: see
`barriers/choices.py` for why.
"""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from thementisch.comments import AbstractComment
from thementisch.files import private_storage, private_upload_to
from thementisch.models import ChoiceLabelsMixin
from thementisch.timeline import AbstractEvent

from .choices import (
    Category,
    GovernanceLevel,
    NeedType,
    OnBehalf,
    RootCause,
    Severity,
    Subcategory,
)


class Barrier(ChoiceLabelsMixin, models.Model):
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

    # What the barrier is about.
    description = models.TextField(_("description"), blank=True)
    category = models.CharField(
        _("category"), max_length=40, choices=Category.choices, default=Category.LEGAL
    )
    subcategory = models.CharField(
        _("subcategory"), max_length=40, choices=Subcategory.choices, blank=True
    )
    need_type = models.CharField(
        _("kind of need"), max_length=30, choices=NeedType.choices, default=NeedType.REGULATORY
    )
    materials = models.ManyToManyField(
        "thementisch.Material", verbose_name=_("materials"), blank=True, related_name="barriers"
    )
    value_chain_stages = models.ManyToManyField(
        "thementisch.ValueChainStage",
        verbose_name=_("value-chain stages"),
        blank=True,
        related_name="barriers",
    )
    level = models.CharField(
        _("addressed to"),
        max_length=20,
        choices=GovernanceLevel.choices,
        default=GovernanceLevel.FEDERAL,
    )
    root_cause = models.CharField(
        _("root cause"), max_length=20, choices=RootCause.choices, default=RootCause.UNKNOWN
    )
    regulation_text = models.CharField(
        _("regulation (free text)"),
        max_length=300,
        blank=True,
        help_text=_("For a regulation that is not on the policy radar."),
    )
    severity = models.PositiveSmallIntegerField(
        _("severity"), choices=Severity.choices, default=Severity.NOTICEABLE
    )
    impact = models.TextField(_("impact"), blank=True)
    proposed_solution = models.TextField(_("proposed solution"), blank=True)
    on_behalf = models.CharField(
        _("logged for"), max_length=10, choices=OnBehalf.choices, default=OnBehalf.OWN
    )
    on_behalf_names = models.CharField(_("member companies"), max_length=500, blank=True)
    is_demo = models.BooleanField(_("demo content"), default=False)
    demo_key = models.CharField(_("demo key"), max_length=40, blank=True, db_index=True)

    # Workflow.
    status_changed_at = models.DateTimeField(_("status changed at"), default=timezone.now)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_barriers",
    )
    forwarded_level = models.CharField(
        _("forwarded to level"), max_length=20, choices=GovernanceLevel.choices, blank=True
    )
    forwarded_to = models.ForeignKey(
        "members.Organisation",
        verbose_name=_("forwarded to ministry"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="forwarded_barriers",
    )
    forwarded_at = models.DateTimeField(_("forwarded at"), null=True, blank=True)
    answer_by = models.DateField(_("answer requested by"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    overdue_notified_at = models.DateTimeField(_("overdue reported at"), null=True, blank=True)

    # Counters kept by barriers.services (prioritisation counts organisations).
    endorsement_count = models.PositiveIntegerField(_("endorsements"), default=0)
    endorsing_organisation_count = models.PositiveIntegerField(
        _("endorsing organisations"), default=0
    )
    comment_count = models.PositiveIntegerField(_("comments"), default=0)

    # Filled by a database trigger on PostgreSQL (migration 0003); copied with what
    # the ranked search reads into BarrierSearch by another (0006), and from there
    # word by word into BarrierSearchTerm (0007).
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("barrier")
        verbose_name_plural = _("barriers")
        indexes = [
            GinIndex(fields=["search_vector"], name="barrier_search_idx"),
            GinIndex(fields=["title"], opclasses=["gin_trgm_ops"], name="barrier_title_trgm_idx"),
            models.Index(fields=["status", "-created_at"], name="barrier_status_created_idx"),
            models.Index(
                fields=["-endorsing_organisation_count", "-endorsement_count", "-created_at"],
                name="barrier_endorsed_idx",
            ),
            models.Index(fields=["-updated_at"], name="barrier_updated_idx"),
            models.Index(fields=["status", "answer_by"], name="barrier_answer_by_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        # A copy masked for display (author hidden) must never reach the database.
        if getattr(self, "_identity_masked", False):
            raise RuntimeError("A barrier masked for display cannot be saved.")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("barriers:detail", args=[self.pk])

    @property
    def is_overdue(self) -> bool:
        return (
            self.status == self.Status.FORWARDED
            and self.answer_by is not None
            and self.answer_by < timezone.localdate()
        )

    @property
    def regulation_label(self) -> str:
        if self.policy_item_id:
            return str(self.policy_item)
        return self.regulation_text


class BarrierEvent(AbstractEvent):
    """One entry of a barrier's timeline: a status change, a note, a meeting outcome."""

    status_choices = Barrier.Status
    barrier = models.ForeignKey(Barrier, on_delete=models.CASCADE, related_name="events")

    class Meta(AbstractEvent.Meta):
        pass

    def __str__(self) -> str:
        return f"{self.barrier}: {self.kind}"


class Endorsement(models.Model):
    """'Betrifft uns auch': one per member and barrier, withdrawable."""

    barrier = models.ForeignKey(Barrier, on_delete=models.CASCADE, related_name="endorsements")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="barrier_endorsements",
    )
    organisation = models.ForeignKey(
        "members.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("endorsed at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("endorsement")
        verbose_name_plural = _("endorsements")
        constraints = [
            models.UniqueConstraint(fields=["barrier", "user"], name="one_endorsement_per_member")
        ]
        indexes = [models.Index(fields=["user", "barrier"], name="endorsement_user_idx")]

    def __str__(self) -> str:
        return f"{self.barrier} ← {self.user}"


class BarrierComment(AbstractComment):
    barrier = models.ForeignKey(Barrier, on_delete=models.CASCADE, related_name="comments")
    hide_author = models.BooleanField(
        _("author hidden"),
        default=False,
        help_text=_("Written by the submitter of an anonymous barrier."),
    )

    class Meta(AbstractComment.Meta):
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [models.Index(fields=["barrier", "created_at"], name="barrier_comment_idx")]


def evidence_upload_to(instance, filename: str) -> str:
    """`barriers/<uuid>.<ext>` in the private storage, whatever the client sent."""
    return private_upload_to("barriers")(instance, filename)


class EvidenceFile(models.Model):
    """A document backing a barrier; served to members only through a checked view."""

    barrier = models.ForeignKey(Barrier, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(
        _("file"), storage=private_storage, upload_to=evidence_upload_to, max_length=200
    )
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("barriers:evidence", args=[self.barrier_id, self.pk])


class OfficialResponse(models.Model):
    """A ministry's answer to a forwarded barrier, shown apart from comments."""

    barrier = models.ForeignKey(Barrier, on_delete=models.CASCADE, related_name="responses")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "members.Organisation",
        verbose_name=_("ministry"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = models.TextField(_("official response"))
    created_at = models.DateTimeField(_("answered at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("official response")
        verbose_name_plural = _("official responses")

    def __str__(self) -> str:
        return f"{self.barrier}: {self.organisation or self.author}"


class Responsibility(models.Model):
    """Which governance level a ministry (organisation) answers for.

    Ministry members see the barriers forwarded to their organisation or to
    a level their organisation is responsible for.
    """

    organisation = models.ForeignKey(
        "members.Organisation",
        verbose_name=_("ministry or authority"),
        on_delete=models.CASCADE,
        related_name="barrier_responsibilities",
    )
    level = models.CharField(_("level"), max_length=20, choices=GovernanceLevel.choices)

    class Meta:
        ordering = ["organisation__name", "level"]
        verbose_name = _("responsibility for forwarded barriers")
        verbose_name_plural = _("responsibilities for forwarded barriers")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "level"], name="one_level_per_ministry")
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.get_level_display()}"


class SearchCopy(models.Model):
    """What a search table copies of its barrier (by database triggers): the status
    and the submitter, so that the visibility rule (`permissions.visible_barriers_q`)
    applies to it as it is, and the endorsing organisations, which break ties of rank.
    """

    status = models.CharField(max_length=20)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.DO_NOTHING,  # follows the barrier's author (SET_NULL there)
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    endorsing_organisation_count = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class BarrierSearch(SearchCopy):
    """What the ranked full-text search reads of a barrier, in a narrow table.

    Ranking reads the search vector of every match; from the wide barrier rows
    that costs several times what it costs here. Written only by a database
    trigger on `barriers_barrier` (PostgreSQL, migration 0006), so every write
    path keeps it current; on SQLite it stays empty and unused.
    """

    barrier = models.OneToOneField(
        Barrier,
        primary_key=True,
        on_delete=models.DO_NOTHING,  # the trigger deletes the row
        db_constraint=False,
        related_name="+",
    )
    search_vector = SearchVectorField(null=True)

    class Meta:
        indexes = [GinIndex(fields=["search_vector"], name="barrier_search_side_idx")]

    def __str__(self) -> str:
        return f"search row of barrier {self.barrier_id}"


class RankField(models.FloatField):
    """A rank as `ts_rank` gives it: `real` on PostgreSQL (a FloatField is double)."""

    def db_type(self, connection):
        return "real" if connection.vendor == "postgresql" else super().db_type(connection)


class BarrierSearchTerm(SearchCopy):
    """One word of a barrier's search vector with the barrier's rank for that word.

    A search for one word reads its best matches in the order of an index
    (word, rank, endorsing organisations, id) and stops after a page, where
    ranking in BarrierSearch reads every match. `rank` is what `ts_rank`
    gives the barrier's vector for a query of this word alone, so the order
    is that of the ranked search. Written only by a database trigger on
    `barriers_barriersearch` (PostgreSQL, migration 0007); on SQLite it stays
    empty and unused.
    """

    pk = models.CompositePrimaryKey("barrier", "lexeme")
    barrier = models.ForeignKey(
        Barrier,
        on_delete=models.DO_NOTHING,  # the trigger deletes the rows
        db_constraint=False,
        db_index=False,  # the primary key starts with it
        related_name="+",
    )
    lexeme = models.TextField()
    rank = RankField()

    class Meta:
        indexes = [
            models.Index(
                fields=["lexeme", "-rank", "-endorsing_organisation_count", "-barrier"],
                name="barrier_search_term_rank_idx",
                include=["status", "author"],
            )
        ]

    def __str__(self) -> str:
        return f"search term {self.lexeme!r} of barrier {self.barrier_id}"
