from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    # The package keeps the name "sessions"; the label "sessions" belongs to
    # django.contrib.sessions, so this app's label (tables, migrations,
    # permissions, admin URLs) is "meetings". Run `makemigrations meetings`.
    name = "sessions"
    label = "meetings"
    verbose_name = _("Meetings")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from members.extensions import (
            register_exporter,
            register_notification_kind,
            register_profile_section,
        )
        from thementisch import search

        from .privacy import export_meetings, profile_feed_context
        from .search import search_meetings
        from .services import WAITLIST_KIND

        register_exporter(
            "meetings",
            export_meetings,
            models=["meetings.Meeting", "meetings.Invitation", "meetings.Document"],
        )
        register_profile_section("meetings/_profile_feed.html", context=profile_feed_context)
        register_notification_kind(WAITLIST_KIND, _("A place from the waiting list"))
        search.register("meetings", search_meetings, order=400)
