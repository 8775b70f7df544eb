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
