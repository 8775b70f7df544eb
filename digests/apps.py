from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DigestsConfig(AppConfig):
    name = "digests"
    label = "digests"
    verbose_name = _("Digests and dashboard")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from members.extensions import register_profile_section

        from .profile import notification_section

        # First among the panels: the member's email settings.
        register_profile_section(
            "digests/_notification_settings.html", context=notification_section, order=10
        )
