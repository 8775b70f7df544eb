"""The outbox: idempotent queuing, claiming, retries, sweeping, message shape."""

import smtplib
from datetime import timedelta
from email import policy
from email.parser import BytesParser

import pytest
import time_machine
from django.core import mail as django_mail
from django.utils import timezone

from thementisch import mail
from thementisch.models import OutgoingEmail
from thementisch.tasks import send_emails_task


def queue(key="test:1", to="juergen@example.com", **kwargs):
    return mail.queue_email(
        key=key,
        to=to,
        to_name="Jürgen Müller",
        template="membership_rejected",
        context={"member": {"first_name": "Jürgen"}, "reason": ""},
        **kwargs,
    )


@pytest.mark.django_db
def test_same_key_twice_makes_one_row_and_one_message(
    django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        first = queue()
        second = queue()

    assert first.pk == second.pk
    assert OutgoingEmail.objects.count() == 1
    assert len(mailoutbox) == 1
    assert OutgoingEmail.objects.get().status == OutgoingEmail.Status.SENT


@pytest.mark.django_db
def test_redelivered_task_sends_nothing_twice(django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        row = queue()

    send_emails_task.delay([row.pk])
    send_emails_task.delay([row.pk])

    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_message_headers_parts_and_umlauts(django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        row = queue()

    raw = mailoutbox[0].message().as_bytes()
    parsed = BytesParser(policy=policy.default).parsebytes(raw)
    header_block = raw.split(b"\n\n", 1)[0]
    assert all(byte < 128 for byte in header_block)  # RFC 2047 encoded words
    assert parsed["To"].addresses[0].display_name == "Jürgen Müller"
    assert parsed["Message-ID"] == f"<{row.uuid}@portal.example.org>"
    assert parsed["Auto-Submitted"] == "auto-generated"
    assert parsed["Subject"] == "Ihre Registrierung beim Thementisch Metall"
    parts = [part.get_content_type() for part in parsed.walk() if not part.is_multipart()]
    assert parts == ["text/plain", "text/html"]
    text = parsed.get_body(("plain",)).get_content()
    html = parsed.get_body(("html",)).get_content()
    assert "Hallo Jürgen," in text
    assert "Hallo Jürgen," in html
    assert '<html lang="de">' in html


@pytest.mark.django_db
def test_newlines_in_subject_cannot_inject_headers(django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        mail.queue_email(
            key="inject",
            to="a@example.com",
            template="membership_pending",
            context={"member": {"get_full_name": "Eva\r\nBcc: x@evil.example"}, "admin_url": "/"},
        )

    message = mailoutbox[0]
    assert "\n" not in message.subject
    assert message.bcc == []
    headers = message.message().as_string().split("\n\n", 1)[0].splitlines()
    assert [line for line in headers if line.startswith("Bcc:")] == []
    assert message.message()["Bcc"] is None


@pytest.mark.django_db
def test_calendar_part_carries_method(django_capture_on_commit_callbacks, mailoutbox):
    ics = "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"
    with django_capture_on_commit_callbacks(execute=True):
        queue(
            parts=[
                {
                    "mimetype": "text/calendar",
                    "method": "REQUEST",
                    "content": ics,
                    "alternative": True,
                },
                {
                    "mimetype": "text/calendar",
                    "method": "REQUEST",
                    "content": ics,
                    "filename": "invite.ics",
                },
            ]
        )

    parsed = BytesParser(policy=policy.default).parsebytes(mailoutbox[0].message().as_bytes())
    alternative = next(p for p in parsed.walk() if p.get_content_type() == "multipart/alternative")
    children = [p.get_content_type() for p in alternative.iter_parts()]
    assert children == ["text/plain", "text/html", "text/calendar"]
    calendar = list(alternative.iter_parts())[-1]
    assert calendar.get_param("method") == "REQUEST"
    attachment = next(p for p in parsed.walk() if p.get_filename() == "invite.ics")
    assert attachment.get_content_type() == "text/calendar"


class FailingBackend:
    """An SMTP connection that always fails with the given error."""

    error: Exception = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise self.error

    def close(self):
        pass


@pytest.mark.django_db
def test_smtp_error_is_retried_then_failed_with_error(
    settings, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(mail, "get_connection", lambda: FailingBackend())

    with django_capture_on_commit_callbacks(execute=True):
        row = queue()

    row.refresh_from_db()
    assert row.status == OutgoingEmail.Status.FAILED
    assert row.attempts == settings.OUTBOX_MAX_ATTEMPTS
    assert row.last_error == "SMTPServerDisconnected: Connection unexpectedly closed"


@pytest.mark.django_db
def test_refused_recipient_fails_at_once(django_capture_on_commit_callbacks, monkeypatch):
    class Refusing(FailingBackend):
        error = smtplib.SMTPRecipientsRefused({"x@example.com": (550, b"no such user")})

    monkeypatch.setattr(mail, "get_connection", lambda: Refusing())

    with django_capture_on_commit_callbacks(execute=True):
        row = queue()

    row.refresh_from_db()
    assert row.status == OutgoingEmail.Status.FAILED
    assert row.attempts == 1


@pytest.mark.django_db
def test_sweeper_sends_rows_whose_task_never_ran(mailoutbox):
    row = queue()  # outside on-commit capture: the task is never enqueued
    assert mail.sweep() == 0  # within the grace period nothing is due

    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        assert mail.sweep() == 1

    row.refresh_from_db()
    assert row.status == OutgoingEmail.Status.SENT
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_sweeper_resends_a_row_whose_worker_died(mailoutbox):
    row = queue()
    OutgoingEmail.objects.filter(pk=row.pk).update(
        status=OutgoingEmail.Status.SENDING, leased_until=timezone.now() + timedelta(minutes=10)
    )
    assert mail.sweep() == 0  # still leased: another worker may be sending

    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        assert mail.sweep() == 1

    assert len(mailoutbox) == 1
    assert mailoutbox[0].extra_headers["Message-ID"] == row.message_id


@pytest.mark.django_db
def test_resend_puts_failed_rows_back(django_capture_on_commit_callbacks, mailoutbox):
    row = queue()
    OutgoingEmail.objects.filter(pk=row.pk).update(status=OutgoingEmail.Status.FAILED, attempts=5)

    with django_capture_on_commit_callbacks(execute=True):
        count = mail.resend(OutgoingEmail.objects.all())

    assert count == 1
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_bulk_queue_skips_existing_keys_and_reports_progress(django_capture_on_commit_callbacks):
    rows = [
        mail.build_email(key=f"bulk:{n}", to=f"p{n}@example.com", template="membership_rejected",
                         context={"member": {"first_name": "P"}}, topic="bulk-test")
        for n in range(5)
    ]  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        mail.queue_emails(rows[:3])
        mail.queue_emails(rows)

    assert OutgoingEmail.objects.filter(topic="bulk-test").count() == 5
    assert mail.progress("bulk-test") == {"pending": 0, "sending": 0, "sent": 5, "failed": 0}
    assert len(django_mail.outbox) == 5
