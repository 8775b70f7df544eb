"""Settings for every environment, read from environment variables.

Production behaviour is switched on by the environment (``DEBUG`` off,
``SECRET_KEY``, ``ALLOWED_HOSTS``), never by a separate settings module;
``.env.example`` lists every variable.
"""

from pathlib import Path
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

_DEV_SECRET_KEY = "django-insecure-development-key-do-not-use-in-production-0123456789"  # noqa: S105 -- DEBUG only
# Without DEBUG there is no default: Django refuses to sign anything (sessions,
# CSRF, links) with an empty key, while tools that sign nothing
# (makemigrations, makemessages) still run.
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET_KEY if DEBUG else "")
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
SITE_DOMAIN = urlsplit(SITE_URL).hostname or "localhost"
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[SITE_URL])

INSTALLED_APPS = [
    # Our apps first, so their templates override allauth's and the admin's.
    "thementisch",
    "members",
    "policy",
    "barriers",
    "pilots",
    "sessions",  # label "meetings": see sessions/apps.py
    "digests",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "thementisch.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
]

ROOT_URLCONF = "thementisch.urls"
# Selects and inputs rendered in Python: same HTML, a fraction of the time.
FORM_RENDERER = "thementisch.forms.FastFormRenderer"
WSGI_APPLICATION = "thementisch.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "csp.context_processors.nonce",
                "thementisch.context_processors.portal",
            ],
            "builtins": ["thementisch.templatetags.portal"],
        },
    },
    {
        # Plain-text emails: the same templates, without HTML escaping.
        "NAME": "text",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"autoescape": False, "builtins": ["thementisch.templatetags.portal"]},
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
# The hot pages' own SQL is prepared once per connection (thementisch/prepared.py
# statement_cursor). Turn off behind a pooler in transaction mode that does not
# support prepared statements (PgBouncer before 1.21).
DATABASE_PREPARED_STATEMENTS = env.bool("DATABASE_PREPARED_STATEMENTS", default=True)
if DATABASE_PREPARED_STATEMENTS and DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # psycopg prepares only what asks for it (prepare=True); Django's ordinary
    # cursors bind on the client and never prepare, whatever this number.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("prepare_threshold", 1_000_000)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The search-term index covers two more columns on PostgreSQL; on SQLite, where the
# search tables stay empty and unused, Django warns that it cannot (W040).
SILENCED_SYSTEM_CHECKS = ["models.W040"]

CACHES = {
    "default": env.cache_url("CACHE_URL", default="locmemcache://"),
    # Rendered list rows (thementisch/fragments.py). Keys hold the data they
    # show, so every process may keep its own copy; a shared Redis saves
    # rendering on multi-server setups but is not needed for correctness.
    "fragments": env.cache_url("FRAGMENT_CACHE_URL", default="locmemcache://fragments"),
}
if CACHES["fragments"]["BACKEND"].endswith("LocMemCache"):
    # The same, without pickling the strings or checking the keys (thementisch/cache.py).
    CACHES["fragments"]["BACKEND"] = "thementisch.cache.ProcessMemoryCache"
    CACHES["fragments"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 20_000)
FRAGMENT_CACHE_TIMEOUT = env.int("FRAGMENT_CACHE_TIMEOUT", default=3600)
# Set to the release (e.g. the git commit) to skip hashing templates at start-up.
FRAGMENT_CACHE_VERSION = env.str("FRAGMENT_CACHE_VERSION", default="")

AUTH_USER_MODEL = "members.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"

# --- django-allauth ---------------------------------------------------------
ACCOUNT_ADAPTER = "members.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_SIGNUP_FORM_CLASS = "members.forms.SignupForm"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Thementisch Metall] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = urlsplit(SITE_URL).scheme or "https"
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
ACCOUNT_SESSION_REMEMBER = None
# allauth's default rate limits stay on (login_failed 5/5m per account, ...);
# they need a shared cache across processes in production (CACHE_URL).
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Thementisch Metall"
USERSESSIONS_TRACK_ACTIVITY = False

# List filters say "Alle" rather than "---------" when nothing is chosen.
FILTERS_EMPTY_CHOICE_LABEL = _("All")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- i18n -------------------------------------------------------------------
LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

# --- static and uploaded files ----------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploaded documents and evidence are never served by the web server: they
# live outside any public root and go out only through permission-checked
# views (thementisch.files.serve_private_file).
PRIVATE_MEDIA_ROOT = Path(env.str("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "private_media")))
MEDIA_ROOT = PRIVATE_MEDIA_ROOT
MEDIA_URL = "/private-media-not-served/"
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FILES = 20
# Development serves static files straight from static/ (no collectstatic).
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# --- email and the outbox ---------------------------------------------------
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Thementisch Metall <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# ORGANIZER of meeting invitations (calendar replies go there); the sender if empty.
MEETINGS_ORGANIZER_EMAIL = env.str("MEETINGS_ORGANIZER_EMAIL", default="")
EMAIL_TIMEOUT = 20
# Message-IDs are <uuid@MAIL_DOMAIN>, so a retried row keeps its id.
MAIL_DOMAIN = env.str("MAIL_DOMAIN", default=SITE_DOMAIN)
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=5)
OUTBOX_BATCH_SIZE = 50
OUTBOX_LEASE_SECONDS = 600

# --- Celery -----------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
# Without a broker, tasks run in-process (make run, most tests).
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="thementisch")
# Every send task is idempotent (the outbox claims rows), so late ack and
# redelivery after a lost worker are safe; see README "Mail delivery".
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 300
CELERY_TASK_TIME_LIMIT = 360
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 3
# Publishing gives up quickly when the broker is down: the row stays in the
# outbox and the sweeper sends it once the broker is back.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 1,
}
CELERY_BEAT_SCHEDULE = {
    "sweep-outbox": {
        "task": "thementisch.sweep_outbox",
        "schedule": 60.0,
    },
    "deliver-notifications": {
        "task": "members.deliver_due_notifications",
        "schedule": 60.0,
    },
    "meetings-answer-reminders": {
        "task": "meetings.send_answer_reminders",
        "schedule": crontab(minute="*/15"),
    },
    "meetings-24h-reminders": {
        "task": "meetings.send_meeting_reminders",
        "schedule": crontab(minute="*/15"),
    },
    "purge-stale-signups": {
        "task": "members.purge_unconfirmed_signups",
        "schedule": crontab(hour=3, minute=17),
    },
    "pilot-listings": {
        "task": "pilots.remind_and_expire_listings",
        "schedule": crontab(hour=6, minute=23),
    },
    "flag-overdue-barriers": {
        "task": "barriers.flag_overdue_barriers",
        "schedule": crontab(hour=7, minute=5),
    },
    # The digest (CELERY_TIMEZONE is Europe/Berlin): a short fan-out task at
    # 07:00, weekly on Mondays and daily on working days. The catch-up every
    # ten minutes resumes an edition the broker or a worker lost (README
    # "Digest and notifications"); it does nothing once an edition is complete.
    "digests-weekly": {
        "task": "digests.dispatch_digests",
        "schedule": crontab(hour=7, minute=0, day_of_week="mon"),
        "kwargs": {"frequency": "weekly"},
    },
    "digests-daily": {
        "task": "digests.dispatch_digests",
        "schedule": crontab(hour=7, minute=0, day_of_week="mon-fri"),
        "kwargs": {"frequency": "daily"},
    },
    "digests-catch-up": {
        "task": "digests.dispatch_digests",
        "schedule": crontab(minute="5-55/10"),
    },
}

# --- security ---------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 12)
SESSION_SAVE_EVERY_REQUEST = False
SECURE = env.bool("SECURE", default=not DEBUG)
if SECURE:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Shown in the imprint until the coordinator completes it in the admin.
LEGAL_OPERATOR_NAME = env.str("LEGAL_OPERATOR_NAME", default="Neue Effizienz gemeinnützige GmbH")

# The benchmark floor view (/bench/floor/) exists only with this on.
BENCH = env.bool("BENCH", default=False)
