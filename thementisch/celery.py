"""The Celery app: settings with the CELERY_ prefix, tasks from every app."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thementisch.settings.base")

app = Celery("thementisch")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
