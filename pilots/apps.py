from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PilotsConfig(AppConfig):
    name = "pilots"
    label = "pilots"
    verbose_name = _("Pilot projects")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from members.extensions import register_exporter, register_notification_kind
        from thementisch import search

        from .privacy import export_pilots
        from .search import search_pilots
        from .services import NOTIFICATION_KINDS

        register_exporter(
            "pilots",
            export_pilots,
            models=[
                "pilots.PilotProject",
                "pilots.PilotEvent",
                "pilots.PilotApplication",
                "pilots.PilotComment",
            ],
        )
        for kind, label in NOTIFICATION_KINDS.items():
            register_notification_kind(kind, label)
        search.register("pilots", search_pilots, order=200)
