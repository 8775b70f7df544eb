"""Helpers for tests: email assertions, real services, a Celery worker, an SMTP sink."""

from __future__ import annotations

import email
import os
import re
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager, suppress
from email import policy
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def assert_email_contains(message, fragment: str) -> None:
    """`fragment` appears in the text part and in the HTML part of a Django message."""
    assert fragment in message.body, f"{fragment!r} not in text part"
    html = [content for content, mimetype in message.alternatives if mimetype == "text/html"]
    assert html, "no HTML part"
    assert fragment in html[0], f"{fragment!r} not in HTML part"


def parse(message) -> email.message.EmailMessage:
    """A sent Django message as the recipient's mail client parses it."""
    return email.message_from_bytes(message.message().as_bytes(), policy=policy.default)


def links_in(text: str) -> list[str]:
    return re.findall(r"https?://[^\s<>\"']+", text)


def skip_or_fail(reason: str):
    """Missing real services skip on a laptop and fail in CI (REQUIRE_SERVICES=1)."""
    if REQUIRE_SERVICES:
        pytest.fail(f"required service missing: {reason}")
    pytest.skip(reason)


def require_postgres() -> None:
    if connection.vendor != "postgresql":
        skip_or_fail("needs PostgreSQL (set DATABASE_URL=postgres://...)")


def redis_url() -> str:
    url = settings.TEST_BROKER_URL
    if not url.startswith("redis://"):
        skip_or_fail("needs Redis (set CELERY_BROKER_URL=redis://...)")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError:
        skip_or_fail(f"Redis at {url} is not reachable")
    return url


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> str:
    """The URL of the test database this process uses (for subprocesses)."""
    db = connection.settings_dict
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{auth}{host}:{port}/{db['NAME']}"


class SMTPSink:
    """A real SMTP server (aiosmtpd) on a free port that keeps what it receives."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.messages: list[email.message.EmailMessage] = []
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    def wait_for(self, count: int, timeout: float = 60) -> list[email.message.EmailMessage]:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.1)
        return self.messages

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()


def worker_env(*, broker: str, queue: str, smtp_port: int) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "thementisch.settings.base",
        "DEBUG": "0",
        "SECURE": "0",
        "SECRET_KEY": "worker-test-secret-" + "x" * 40,
        "DATABASE_URL": database_url(),
        "CONN_MAX_AGE": "0",
        "CELERY_BROKER_URL": broker,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "SITE_URL": settings.SITE_URL,
        "MAIL_DOMAIN": settings.MAIL_DOMAIN,
        "LOG_LEVEL": "WARNING",
    }


class CeleryWorker:
    """A real `celery worker` subprocess on its own queue."""

    def __init__(self, env: dict[str, str], concurrency: int = 2):
        self.env = env
        self.concurrency = concurrency
        self.process: subprocess.Popen | None = None

    def start(self) -> CeleryWorker:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "thementisch",
                "worker",
                "--pool=prefork",
                f"--concurrency={self.concurrency}",
                "--without-heartbeat",
                "--without-mingle",
                "--without-gossip",
                "-Q",
                self.env["CELERY_TASK_DEFAULT_QUEUE"],
                "--loglevel=WARNING",
            ],
            cwd=ROOT,
            env=self.env,
            start_new_session=True,
        )
        return self

    def kill(self) -> None:
        """SIGKILL the whole worker (main process and children), as a crash would."""
        import signal

        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        """Warm shutdown, as a deployment stops a worker: SIGTERM to the main process
        only, which lets the tasks running in its pool finish (a SIGTERM to the whole
        process group would kill a task between sending its mail and marking the
        row sent). What is still running after 30 s is killed."""
        import signal

        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
            else:
                self._kill_leftovers()

    def _kill_leftovers(self) -> None:
        """SIGKILL pool processes that outlived the main process (none normally)."""
        import signal

        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)


@contextmanager
def real_broker(url: str):
    """Send tasks from this test process to the real broker on a queue of its own."""
    from thementisch.celery import app

    queue = f"test-{uuid.uuid4().hex[:8]}"
    # Celery reads CELERY_BROKER_URL from the environment before its settings.
    saved_env = os.environ.get("CELERY_BROKER_URL")
    os.environ["CELERY_BROKER_URL"] = url
    saved = {
        "broker_url": app.conf.broker_url,
        "task_always_eager": app.conf.task_always_eager,
        "task_default_queue": app.conf.task_default_queue,
    }
    app.conf.broker_url = url
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    _reset_connections(app)
    try:
        yield queue
    finally:
        app.conf.update(saved)
        if saved_env is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = saved_env
        _reset_connections(app)


def _reset_connections(app) -> None:
    """Drop every cached broker connection, so the next publish uses the new URL."""
    from kombu import pools

    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None
    # kombu keeps pools per broker URL globally and would hand back the one
    # just closed (eager tests open it too: Celery reads CELERY_BROKER_URL).
    pools.reset()


def prepared_statements() -> list[str]:
    """The texts of the statements prepared on the test's database connection."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [statement for (statement,) in cursor.fetchall()]
