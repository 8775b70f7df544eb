from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BarriersConfig(AppConfig):
    name = "barriers"
    label = "barriers"
    verbose_name = _("Barriers")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from members.extensions import register_exporter, register_notification_kind
        from thementisch import search

        from .privacy import EXPORTED_MODELS, export_barriers
        from .search import search_barriers
        from .services import NOTIFICATION_KINDS

        register_exporter("barriers", export_barriers, models=EXPORTED_MODELS)
        search.register("barriers", search_barriers, order=100)
        for kind, label in NOTIFICATION_KINDS.items():
            register_notification_kind(kind, label)
