from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BarriersConfig(AppConfig):
    name = "barriers"
    label = "barriers"
    verbose_name = _("Barriers")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from members.extensions import register_exporter

        from .privacy import export_barriers

        register_exporter(
            "barriers", export_barriers, models=["barriers.Barrier", "barriers.BarrierEvent"]
        )
