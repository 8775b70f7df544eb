"""Pages that belong to no feature: legal pages, health check, error pages."""

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from .models import LegalInformation


def imprint(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/imprint.html", {"legal": LegalInformation.current()})


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/privacy.html", {"legal": LegalInformation.current()})


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/accessibility.html", {"legal": LegalInformation.current()})


def _database_ok() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # noqa: BLE001 -- reported, not raised
        return False, type(error).__name__
    return True, "ok"


def _broker_ok() -> tuple[bool, str]:
    from kombu import Connection

    from thementisch.celery import app

    if app.conf.task_always_eager:
        return True, "eager"
    try:
        with Connection(app.conf.broker_url, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as error:  # noqa: BLE001 -- reported, not raised
        return False, type(error).__name__
    return True, "ok"


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """JSON status of database and broker; 503 when one is down."""
    db_ok, db_detail = _database_ok()
    broker_ok, broker_detail = _broker_ok()
    healthy = db_ok and broker_ok
    return JsonResponse(
        {
            "status": "ok" if healthy else "unavailable",
            "database": db_detail,
            "broker": broker_detail,
        },
        status=200 if healthy else 503,
    )


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors: the database may be what failed.
    from django.template import loader

    return HttpResponse(loader.get_template("500.html").render(), status=500)
