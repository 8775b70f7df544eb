"""What every app shares: taxonomies, the mail outbox, the operator's data."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class ChoiceLabelsMixin:
    """`get_<field>_display()` without rebuilding the choices dict on every call.

    Django builds a dict of all choices per call; list pages call it for
    every row and column. The dict of (lazy) labels is built once per field;
    labels are still translated at call time, in the active language.
    """

    def _get_FIELD_display(self, field):
        labels = field.__dict__.get("_choice_labels")
        if labels is None:
            labels = field.__dict__["_choice_labels"] = dict(make_hashable(field.flatchoices))
        value = getattr(self, field.attname)
        return force_str(labels.get(make_hashable(value), value), strings_only=True)


class BilingualLabelMixin:
    """`label` in the active language, from `label_de` / `label_en`."""

    label_de: str
    label_en: str

    @property
    def label(self) -> str:
        if (get_language() or "de").startswith("en") and self.label_en:
            return self.label_en
        return self.label_de

    def __str__(self) -> str:
        return self.label


class ValueChainStage(BilingualLabelMixin, models.Model):
    """A stage of the metal value chain, from extraction to re-use."""

    slug = models.SlugField(_("key"), max_length=60, unique=True)
    label_de = models.CharField(_("label (German)"), max_length=200)
    label_en = models.CharField(_("label (English)"), max_length=200)
    description_de = models.TextField(_("description (German)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = _("value-chain stage")
        verbose_name_plural = _("value-chain stages")


class Material(BilingualLabelMixin, models.Model):
    """A metal or material group; `is_primary` ones fill the main dropdowns."""

    slug = models.SlugField(_("key"), max_length=60, unique=True)
    label_de = models.CharField(_("label (German)"), max_length=200)
    label_en = models.CharField(_("label (English)"), max_length=200)
    group = models.CharField(_("group"), max_length=60, blank=True)
    is_primary = models.BooleanField(_("shown in main lists"), default=True)
    crma_strategic = models.BooleanField(_("strategic raw material (CRMA)"), default=False)
    crma_critical = models.BooleanField(_("critical raw material (CRMA)"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["-is_primary", "order", "slug"]
        verbose_name = _("material")
        verbose_name_plural = _("materials")


class OutgoingEmail(models.Model):
    """One email, stored before it is sent (the outbox).

    `key` makes queuing idempotent; a row is claimed before sending, so it is
    sent at most once per claim (see thementisch.mail).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    topic = models.CharField(
        _("topic"),
        max_length=100,
        blank=True,
        db_index=True,
        help_text=_("Groups emails for progress counts, e.g. meeting:7 or digest:2026-W48."),
    )
    template = models.CharField(_("template"), max_length=100)
    uuid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    to_email = models.EmailField(_("to"), max_length=254)
    to_name = models.CharField(_("recipient name"), max_length=200, blank=True)
    from_email = models.CharField(_("from"), max_length=254)
    subject = models.CharField(_("subject"), max_length=255)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    headers = models.JSONField(_("extra headers"), default=dict, blank=True)
    parts = models.JSONField(
        _("extra parts"),
        default=list,
        blank=True,
        help_text=_("Calendar parts and attachments: mimetype, content, filename, method."),
    )
    language = models.CharField(_("language"), max_length=8, default="de")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("queued at"), default=timezone.now, db_index=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    leased_until = models.DateTimeField(_("leased until"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails (outbox)")
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx")]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to_email}"

    @property
    def message_id(self) -> str:
        return f"<{self.uuid}@{settings.MAIL_DOMAIN}>"


class LegalInformation(models.Model):
    """The operator's data for the imprint and the privacy notice (one row)."""

    operator_name = models.CharField(_("operator"), max_length=200)
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    represented_by = models.CharField(
        _("represented by"), max_length=200, blank=True, help_text=_("e.g. the managing director")
    )
    email = models.EmailField(_("contact email"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    register = models.CharField(
        _("commercial register"), max_length=200, blank=True, help_text=_("court and number")
    )
    vat_id = models.CharField(_("VAT ID"), max_length=50, blank=True)
    content_responsible = models.CharField(
        _("responsible for content (§ 18 MStV)"), max_length=300, blank=True
    )
    privacy_officer = models.CharField(
        _("data protection officer (name and contact)"), max_length=300, blank=True
    )
    hosting_provider = models.CharField(_("hosting provider"), max_length=300, blank=True)
    accessibility_contact = models.EmailField(_("contact for accessibility feedback"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("imprint and privacy data")
        verbose_name_plural = _("imprint and privacy data")

    def __str__(self) -> str:
        return self.operator_name

    @property
    def is_complete(self) -> bool:
        return all([self.operator_name, self.street, self.postal_code, self.city, self.email])

    @classmethod
    def current(cls) -> "LegalInformation":
        """The one row, created with the operator's name on first use."""
        info = cls.objects.order_by("pk").first()
        if info is None:
            info = cls.objects.create(operator_name=settings.LEGAL_OPERATOR_NAME)
        return info
