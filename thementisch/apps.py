from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ThementischConfig(AppConfig):
    name = "thementisch"
    label = "thementisch"
    verbose_name = _("Portal")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from .postgres import register_adapters

        connection_created.connect(register_adapters, dispatch_uid="thementisch.postgres")
