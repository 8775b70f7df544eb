"""Test settings: only what makes tests fast and isolated.

DATABASE_URL and CELERY_BROKER_URL come from the environment as in base:
CI sets them to the machine's PostgreSQL and Redis. Tests that need a real
broker start their own worker and pass the URL explicitly
(tests/helpers.py); everything else runs tasks eagerly.
"""

import os

os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "test-secret-key-" + "x" * 50)
os.environ.setdefault("SECURE", "0")

from .base import *  # noqa: F403 -- settings module layering

# Remember the real broker for end-to-end tests, then run tasks eagerly.
TEST_BROKER_URL = CELERY_BROKER_URL  # noqa: F405 -- from base
CELERY_BROKER_URL = "memory://"
CELERY_TASK_ALWAYS_EAGER = True

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # As in production (base.py): rendered fragments in process memory.
    "fragments": {"BACKEND": "thementisch.cache.ProcessMemoryCache", "LOCATION": "f"},
}
STORAGES = {
    **STORAGES,  # noqa: F405 -- from base
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SITE_URL = "https://portal.example.org"
MAIL_DOMAIN = "portal.example.org"
ALLOWED_HOSTS = ["*"]
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405 -- from base
PRIVATE_MEDIA_ROOT = MEDIA_ROOT = BASE_DIR / ".pytest_cache" / "private_media"  # noqa: F405
LOGGING["root"]["level"] = "WARNING"  # noqa: F405 -- from base
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Recreated by post_migrate after each flush; the snapshot of migrated data
# (tests/conftest.py) must not bring them back with stale ids.
TEST_NON_SERIALIZED_APPS = ["django.contrib.contenttypes", "django.contrib.auth"]
