from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PolicyConfig(AppConfig):
    name = "policy"
    label = "policy"
    verbose_name = _("Policy radar")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from members.extensions import (
            register_exporter,
            register_notification_kind,
            register_profile_section,
        )
        from thementisch import search

        from .privacy import export_policy
        from .profile import feeds_section
        from .search import search_policy
        from .services import NOTIFICATION_KIND

        search.register("policy", search_policy, order=300)
        register_notification_kind(NOTIFICATION_KIND, _("Updates of policy items you follow"))
        register_exporter(
            "policy", export_policy, models=["policy.PolicyFollow", "policy.PolicyUpdate"]
        )
        register_profile_section("policy/_profile_feeds.html", context=feeds_section, order=50)
