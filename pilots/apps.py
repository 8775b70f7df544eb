from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PilotsConfig(AppConfig):
    name = "pilots"
    label = "pilots"
    verbose_name = _("Pilot projects")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from members.extensions import register_exporter

        from .privacy import export_pilots

        register_exporter(
            "pilots", export_pilots, models=["pilots.PilotProject", "pilots.PilotEvent"]
        )
