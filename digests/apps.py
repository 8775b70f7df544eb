from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DigestsConfig(AppConfig):
    name = "digests"
    label = "digests"
    verbose_name = _("Digests and dashboard")
    default_auto_field = "django.db.models.BigAutoField"
