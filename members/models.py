"""People and organisations of the working group."""

import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from thementisch.models import ChoiceLabelsMixin


class OrganisationType(models.TextChoices):
    SME = "sme", _("SME")
    LARGE_COMPANY = "large_company", _("Large company")
    ASSOCIATION = "association", _("Industry association")
    RESEARCH = "research", _("Research institution")
    MINISTRY = "ministry", _("Ministry / public authority")
    INTERMEDIARY = "intermediary", _("Intermediary / network")
    OTHER = "other", _("Other")


class Organisation(ChoiceLabelsMixin, models.Model):
    """A company, association, institute or authority that members belong to."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("address"), max_length=200, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=OrganisationType.choices)
    city = models.CharField(_("city"), max_length=100, blank=True)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    value_chain_stages = models.ManyToManyField(
        "thementisch.ValueChainStage",
        verbose_name=_("value-chain stages"),
        blank=True,
        related_name="organisations",
    )
    materials = models.ManyToManyField(
        "thementisch.Material",
        verbose_name=_("materials"),
        blank=True,
        related_name="organisations",
    )
    is_demo = models.BooleanField(_("demo content"), default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("members:organisation", args=[self.slug])


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.update(
            is_staff=True,
            is_superuser=True,
            role=User.Role.COORDINATOR,
            status=User.Status.APPROVED,
        )
        return self._create_user(email, password, **extra_fields)


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class User(AbstractUser):
    """A person with an account; logs in by email.

    `status` is the coordinator's decision on the membership, `role` what an
    approved member may do. Deleting a user keeps what they wrote: foreign keys
    to users from content use SET_NULL and pages show "former member".
    """

    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        MINISTRY = "ministry", _("Ministry")
        COORDINATOR = "coordinator", _("Coordinator")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    class Language(models.TextChoices):
        GERMAN = "de", _("German")
        ENGLISH = "en", _("English")

    class DigestFrequency(models.TextChoices):
        WEEKLY = "weekly", _("Weekly (Monday morning)")
        DAILY = "daily", _("Daily (working days)")
        OFF = "off", _("Off")

    username = None
    email = models.EmailField(_("email address"), unique=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    position = models.CharField(_("position"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(
        _("membership"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    status_changed_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    status_changed_by = models.ForeignKey(
        "self",
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.GERMAN
    )
    show_in_directory = models.BooleanField(
        _("show me in the member directory"),
        default=True,
        help_text=_("Other approved members see your name, position and organisation."),
    )
    digest_frequency = models.CharField(
        _("email digest"),
        max_length=10,
        choices=DigestFrequency.choices,
        default=DigestFrequency.WEEKLY,
    )
    notification_settings = models.JSONField(
        _("notification settings"),
        default=dict,
        blank=True,
        help_text=_("Per kind of notification: instant, digest or off."),
    )
    materials = models.ManyToManyField(
        "thementisch.Material",
        verbose_name=_("materials of interest"),
        blank=True,
        related_name="+",
    )
    value_chain_stages = models.ManyToManyField(
        "thementisch.ValueChainStage",
        verbose_name=_("value-chain stages of interest"),
        blank=True,
        related_name="+",
    )
    privacy_consent_at = models.DateTimeField(
        _("privacy policy accepted at"), null=True, blank=True
    )
    feed_token = models.CharField(
        _("calendar and feed token"), max_length=64, unique=True, default=new_feed_token
    )
    is_demo = models.BooleanField(_("demo account"), default=False)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        ordering = ["last_name", "first_name", "email"]
        verbose_name = _("member")
        verbose_name_plural = _("members")
        indexes = [
            models.Index(fields=["status", "role"], name="member_status_role_idx"),
            # The directory's order over the listed members only: a page is an
            # index range instead of sorting every listed member by name.
            models.Index(
                fields=["last_name", "first_name", "id"],
                condition=models.Q(is_active=True, status="approved", show_in_directory=True),
                name="member_directory_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    @property
    def is_approved(self) -> bool:
        return self.is_active and self.status == self.Status.APPROVED

    @property
    def is_member(self) -> bool:
        """May see the members' area (every approved role)."""
        return self.is_approved

    @property
    def is_pending(self) -> bool:
        return self.is_active and self.status == self.Status.PENDING

    @property
    def is_ministry(self) -> bool:
        return self.is_approved and self.role == self.Role.MINISTRY

    @property
    def is_coordinator(self) -> bool:
        return self.is_approved and (self.role == self.Role.COORDINATOR or self.is_superuser)

    @property
    def suggested_role(self) -> str:
        """Ministry for people of ministry-type organisations; the coordinator decides."""
        if self.organisation and self.organisation.kind == OrganisationType.MINISTRY:
            return self.Role.MINISTRY
        return self.Role.MEMBER

    def notification_mode(self, kind: str) -> str:
        """How this member wants notifications of `kind`: instant, digest or off."""
        return self.notification_settings.get(kind, Notification.Mode.INSTANT)


class Notification(models.Model):
    """Something that happened which concerns one member.

    Feature apps create them with `members.services.notify`; delivery follows
    the member's setting for the kind: instant mails (bundled, at most one per
    NOTIFICATION_BUNDLE_MINUTES), the digest, or nothing.
    """

    class Mode(models.TextChoices):
        INSTANT = "instant", _("Immediately")
        DIGEST = "digest", _("In the digest only")
        OFF = "off", _("Off")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=50)
    key = models.CharField(_("idempotency key"), max_length=200, unique=True, null=True, blank=True)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    emailed_at = models.DateTimeField(_("emailed"), null=True, blank=True)
    digested_at = models.DateTimeField(_("in digest"), null=True, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "emailed_at"], name="notification_pending_idx"),
            models.Index(fields=["created_at"], name="notification_created_idx"),
        ]

    def __str__(self) -> str:
        return self.title
