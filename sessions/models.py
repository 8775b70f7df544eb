"""Meetings (Sitzungen): plenaries, workshops, site visits and webinars.

The coordinator plans a meeting in the admin, chooses its audience and sends
the invitations; members and guests answer through signed links or on the
meeting page. Times are stored in UTC and shown in Europe/Berlin.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import OrganisationType
from thementisch.files import private_storage, private_upload_to
from thementisch.models import ChoiceLabelsMixin

_upload_to_meetings = private_upload_to("meetings")


def document_upload_to(instance, filename: str) -> str:
    """`meetings/<uuid>.<ext>` in the private storage (a module function for migrations)."""
    return _upload_to_meetings(instance, filename)


class Meeting(ChoiceLabelsMixin, models.Model):
    class Kind(models.TextChoices):
        PLENARY = "plenary", _("Plenary meeting")
        WORKSHOP = "workshop", _("Workshop")
        SITE_VISIT = "site_visit", _("Site visit")
        WEBINAR = "webinar", _("Webinar")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PLENARY)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"))
    venue = models.TextField(
        _("venue address"), blank=True, help_text=_("Name of the place, street, city.")
    )
    online_url = models.URLField(
        _("online link"), blank=True, help_text=_("Shown only to invited members and guests.")
    )
    capacity = models.PositiveIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        help_text=_("Empty means unlimited. Further acceptances go onto the waiting list."),
    )
    rsvp_deadline = models.DateTimeField(
        _("answer by"),
        null=True,
        blank=True,
        help_text=_("Answers can be changed until then. Empty means until the start."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    # Audience: who "send invitations" invites (again only those not yet invited).
    audience_all_members = models.BooleanField(_("all approved members"), default=False)
    audience_organisation_kinds = models.JSONField(
        _("organisation types"), default=list, blank=True
    )
    audience_stages = models.ManyToManyField(
        "thementisch.ValueChainStage",
        verbose_name=_("value-chain stages"),
        blank=True,
        related_name="+",
        help_text=_("Members whose organisation works at these stages or who follow them."),
    )
    audience_members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("hand-picked members"),
        blank=True,
        related_name="+",
    )
    guest_emails = models.TextField(
        _("external guests"),
        blank=True,
        help_text=_(
            "One per line: an email address, optionally with a name, "
            "e.g. “Dr. Eva Beispiel <eva@example.org>”."
        ),
    )
    reminder_days = models.PositiveSmallIntegerField(
        _("reminder days before the answer deadline"),
        default=3,
        validators=[MaxValueValidator(60)],
        help_text=_(
            "Invitees who have not answered are reminded once, this many days before "
            "(0: no reminder)."
        ),
    )
    minutes = models.TextField(_("minutes"), blank=True, help_text=_("Markdown."))
    minutes_published_at = models.DateTimeField(_("minutes sent"), null=True, blank=True)
    # Calendar identity: the UID never changes; SEQUENCE rises with each revision.
    uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    sequence = models.PositiveIntegerField(_("calendar revision"), default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    is_demo = models.BooleanField(_("demo content"), default=False, editable=False)

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="meeting_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:detail", args=[self.pk])

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def is_past(self) -> bool:
        return self.ends_at <= timezone.now()

    @property
    def answer_until(self):
        """The moment after which answers can no longer change."""
        return self.rsvp_deadline or self.starts_at

    @property
    def answers_open(self) -> bool:
        return self.status == self.Status.PUBLISHED and timezone.now() < self.answer_until

    @property
    def topic(self) -> str:
        """The outbox topic of this meeting's mails (progress counts)."""
        return f"meeting:{self.pk}"

    @property
    def ical_uid(self) -> str:
        return f"meeting-{self.uid}@{settings.MAIL_DOMAIN}"

    def organisation_kind_labels(self) -> list[str]:
        labels = dict(OrganisationType.choices)
        return [str(labels.get(kind, kind)) for kind in self.audience_organisation_kinds]


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    time = models.TimeField(_("time"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=200)
    speaker = models.CharField(_("speaker or organisation"), max_length=200, blank=True)
    barrier = models.ForeignKey(
        "barriers.Barrier",
        verbose_name=_("barrier"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agenda_items",
    )
    pilot = models.ForeignKey(
        "pilots.PilotProject",
        verbose_name=_("pilot project"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agenda_items",
    )
    outcome = models.TextField(
        _("decision or outcome"),
        blank=True,
        help_text=_("After the meeting. Written into the timeline of a linked barrier or pilot."),
    )
    outcome_recorded_at = models.DateTimeField(_("outcome recorded"), null=True, blank=True)

    class Meta:
        ordering = ["order", "time", "pk"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda")

    def __str__(self) -> str:
        return self.title


class Document(models.Model):
    class Kind(models.TextChoices):
        AGENDA = "agenda", _("Agenda")
        SLIDES = "slides", _("Slides")
        MINUTES = "minutes", _("Minutes")
        OTHER = "other", _("Other")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(
        _("file"), upload_to=document_upload_to, storage=private_storage, max_length=200
    )
    original_name = models.CharField(_("file name"), max_length=255, editable=False)
    size = models.PositiveBigIntegerField(_("size"), default=0, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["kind", "title", "pk"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:document", args=[self.meeting_id, self.pk])


class Invitation(ChoiceLabelsMixin, models.Model):
    """One invitee of a meeting: a member (user) or an external guest (email)."""

    class Response(models.TextChoices):
        PENDING = "pending", _("No answer yet")
        YES = "yes", _("Attending")
        NO = "no", _("Not attending")
        MAYBE = "maybe", _("Maybe")
        WAITLISTED = "waitlisted", _("On the waiting list")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="meeting_invitations",
    )
    email = models.EmailField(_("guest email"), blank=True)
    name = models.CharField(_("guest name"), max_length=200, blank=True)
    response = models.CharField(
        _("answer"), max_length=20, choices=Response.choices, default=Response.PENDING
    )
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    waitlisted_at = models.DateTimeField(_("on the waiting list since"), null=True, blank=True)
    sequence_sent = models.PositiveIntegerField(_("calendar revision sent"), null=True, blank=True)
    invited_at = models.DateTimeField(_("invited at"), null=True, blank=True)
    rsvp_reminder_sent_at = models.DateTimeField(_("answer reminder sent"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("24-hour reminder sent"), null=True, blank=True)
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"],
                condition=models.Q(user__isnull=False),
                name="invitation_one_per_member",
            ),
            models.UniqueConstraint(
                fields=["meeting", "email"],
                condition=models.Q(user__isnull=True),
                name="invitation_one_per_guest",
            ),
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) | ~models.Q(email=""),
                name="invitation_member_or_guest",
            ),
        ]
        indexes = [
            models.Index(fields=["meeting", "response"], name="invitation_response_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} – {self.meeting}"

    @property
    def is_guest(self) -> bool:
        return self.user_id is None

    @property
    def address(self) -> str:
        return self.user.email if self.user_id else self.email

    @property
    def display_name(self) -> str:
        if self.user_id:
            return self.user.get_full_name() or self.user.email
        return self.name or self.email

    @property
    def recipient_key(self) -> str:
        """The invitee part of outbox keys: `user:42` or `guest:17`."""
        return f"user:{self.user_id}" if self.user_id else f"guest:{self.pk}"
