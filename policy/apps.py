from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PolicyConfig(AppConfig):
    name = "policy"
    label = "policy"
    verbose_name = _("Policy radar")
    default_auto_field = "django.db.models.BigAutoField"
