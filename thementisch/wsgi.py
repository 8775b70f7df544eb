import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thementisch.settings.base")

application = get_wsgi_application()

# A server without a secret key must not start: Django raises here if it is empty.
from django.conf import settings  # noqa: E402 -- after the app registry is ready

settings.SECRET_KEY  # noqa: B018 -- accessing it is the check
