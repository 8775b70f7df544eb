"""End to end through real services: Redis, a Celery worker subprocess, an SMTP server.

These tests need PostgreSQL (the worker reads the test database) and Redis.
On a laptop without them they skip; CI sets REQUIRE_SERVICES=1 and they fail instead.
"""

import pytest
from django.db import transaction

from members import services
from members.models import User
from tests.factories import CoordinatorFactory, PendingUserFactory
from tests.helpers import (
    CeleryWorker,
    SMTPSink,
    free_port,
    real_broker,
    redis_url,
    require_postgres,
    worker_env,
)
from thementisch import mail
from thementisch.models import OutgoingEmail

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def services_ready():
    require_postgres()
    return redis_url()


def test_worker_sends_approval_email_through_smtp(services_ready):
    coordinator = CoordinatorFactory(email="koordination@example.com")
    applicant = PendingUserFactory(email="anna@example.com", first_name="Anna", last_name="Öztürk")

    with SMTPSink() as sink, real_broker(services_ready) as queue:
        worker = CeleryWorker(worker_env(broker=services_ready, queue=queue, smtp_port=sink.port))
        worker.start()
        try:
            with transaction.atomic():
                services.approve_member(applicant, by=coordinator)
            messages = sink.wait_for(1)
        finally:
            worker.stop()

    assert len(messages) == 1
    message = messages[0]
    row = OutgoingEmail.objects.get(recipient=applicant)
    assert row.status == OutgoingEmail.Status.SENT
    assert message["To"].addresses[0].addr_spec == "anna@example.com"
    assert message["To"].addresses[0].display_name == "Anna Öztürk"
    assert message["Subject"] == (
        "Willkommen beim Thementisch Metall: Ihre Mitgliedschaft ist freigegeben"
    )
    assert message["Message-ID"] == row.message_id
    assert message["Auto-Submitted"] == "auto-generated"
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Hallo Anna," in text
    assert "Hallo Anna," in html
    assert "https://portal.example.org/accounts/login/" in text
    assert 'href="https://portal.example.org/accounts/login/"' in html


def test_change_commits_while_broker_is_down_and_sweeper_sends_later(services_ready):
    coordinator = CoordinatorFactory(email="koordination@example.com")
    applicant = PendingUserFactory(email="bernd@example.com", first_name="Bernd")
    closed_port = free_port()

    with real_broker(f"redis://127.0.0.1:{closed_port}/0"), transaction.atomic():
        services.approve_member(applicant, by=coordinator)

    applicant.refresh_from_db()
    assert applicant.status == User.Status.APPROVED  # the change committed
    row = OutgoingEmail.objects.get(recipient=applicant)
    assert row.status == OutgoingEmail.Status.PENDING

    with SMTPSink() as sink, real_broker(services_ready) as queue:
        worker = CeleryWorker(worker_env(broker=services_ready, queue=queue, smtp_port=sink.port))
        worker.start()
        try:
            OutgoingEmail.objects.filter(pk=row.pk).update(next_attempt_at=row.created_at)
            assert mail.sweep() == 1
            messages = sink.wait_for(1)
            assert mail.sweep() == 0  # claimed or sent: nothing is due again
        finally:
            worker.stop()

    row.refresh_from_db()
    assert row.status == OutgoingEmail.Status.SENT
    assert [m["To"].addresses[0].addr_spec for m in messages] == ["bernd@example.com"]
