"""Deployment checklist, security headers, CSP, health check."""

import os
import subprocess
import sys

import pytest
from django.db import connection
from django.test import Client, override_settings

from tests.helpers import ROOT

PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "a-long-random-production-secret-" + "k7Qz" * 10,
    "ALLOWED_HOSTS": "portal.example.org",
    "SITE_URL": "https://portal.example.org",
    "DJANGO_SETTINGS_MODULE": "thementisch.settings.base",
}


def test_check_deploy_reports_nothing_with_production_settings():
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("SECURE", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(PRODUCTION_ENV)

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_settings_refuse_to_serve_without_secret_key():
    env = {key: value for key, value in os.environ.items() if key != "SECRET_KEY"}
    env.update({**PRODUCTION_ENV, "SECRET_KEY": ""})
    script = "import django; django.setup(); from django.conf import settings; settings.SECRET_KEY"

    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip

    assert result.returncode != 0
    assert "The SECRET_KEY setting must not be empty." in result.stderr


@pytest.mark.django_db
def test_security_headers_on_pages():
    response = Client().get("/imprint/")

    csp = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";") if part.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
def test_pages_carry_no_inline_scripts_or_external_assets(member_client):
    for url in ["/", "/members/", "/members/me/", "/imprint/"]:
        html = member_client.get(url).content.decode()
        assert "<script>" not in html
        assert "<script " not in html.replace('<script src="/static/', "")
        for host in ("googleapis", "gstatic", "cdn.jsdelivr", "unpkg", "cdnjs"):
            assert host not in html


@pytest.mark.django_db
@override_settings(
    SECURE_SSL_REDIRECT=True,
    SECURE_HSTS_SECONDS=31536000,
    SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
    SESSION_COOKIE_SECURE=True,
    SESSION_COOKIE_NAME="__Host-sessionid",
)
def test_https_redirect_hsts_and_secure_session_cookie(member):
    client = Client()

    assert client.get("/imprint/").status_code == 301
    response = client.get("/imprint/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    client.post("/accounts/login/", {"login": member.email, "password": "password"}, secure=True)
    cookie = client.cookies["__Host-sessionid"]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["domain"] == ""


@pytest.mark.django_db
def test_new_password_is_hashed_with_argon2(settings):
    from members.models import User

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    user = User.objects.create_user("argon@example.com", "ein-langes-passwort")

    assert user.password.startswith("argon2$argon2id$")


@pytest.mark.django_db
def test_healthz_reports_database_and_broker():
    response = Client().get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "eager"}


@pytest.mark.django_db
def test_healthz_is_503_when_the_broker_is_down():
    from tests.helpers import free_port, real_broker

    with real_broker(f"redis://127.0.0.1:{free_port()}/0"):
        response = Client().get("/healthz")

    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["database"] == "ok"
    assert connection.vendor in ("sqlite", "postgresql")


def test_celery_is_configured_for_safe_redelivery():
    from django.conf import settings

    from thementisch.celery import app

    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1
    assert app.conf.task_serializer == "json"
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert app.conf.task_soft_time_limit < app.conf.task_time_limit < visibility
    assert "sweep-outbox" in settings.CELERY_BEAT_SCHEDULE
