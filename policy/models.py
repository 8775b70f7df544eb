"""The policy radar: regulation and strategies that matter for metals.

Core model laid down with the foundation so barriers can name their source;
the policy radar work extends it.
"""

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    EU = "eu", _("EU")
    FEDERAL = "bund", _("Federal")
    NRW = "land_nrw", _("NRW")


class PolicyItem(models.Model):
    """A regulation, directive, law, strategy or programme on the radar."""

    title = models.CharField(_("title"), max_length=300)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    slug = models.SlugField(_("address"), max_length=120, unique=True)
    reference = models.CharField(
        _("official reference"),
        max_length=200,
        blank=True,
        help_text=_("e.g. Verordnung (EU) 2024/1252"),
    )
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
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
