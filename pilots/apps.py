from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PilotsConfig(AppConfig):
    name = "pilots"
    label = "pilots"
    verbose_name = _("Pilot projects")
    default_auto_field = "django.db.models.BigAutoField"
