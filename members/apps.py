from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    label = "members"
    verbose_name = _("Members")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from thementisch import search

        from .search import search_organisations, search_people

        search.register("organisations", search_organisations, order=800)
        search.register("people", search_people, order=900)
