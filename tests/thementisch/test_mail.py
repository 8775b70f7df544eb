"""The outbox: idempotent queuing, claiming, retries, sweeping, message shape."""

import re
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


def _rejected_context(values):
    return {"member": {"first_name": values["name"]}, "reason": values["reason"]}


@pytest.mark.parametrize("language", ["de", "en"])
def test_frames_fill_in_values_as_a_full_rendering_shows_them(language, monkeypatch):
    renderings = []
    render_email = mail.render_email

    def counting(*args, **kwargs):
        renderings.append(args[0])
        return render_email(*args, **kwargs)

    monkeypatch.setattr(mail, "render_email", counting)
    frames = mail.Frames()
    people = [
        {"name": "Jürgen", "reason": "Keine Angabe"},
        {"name": 'Ann <b>& "O\'Neil"', "reason": "<script>x</script> & mehr"},
        {"name": "", "reason": "Ohne Namen"},  # {% if %} on an empty value: its own frame
        {"name": "Zoë", "reason": ""},
    ]

    ours = [
        frames.render(
            "membership_rejected",
            language,
            shape=(),
            values=values,
            context=_rejected_context,
        )
        for values in people
    ]

    theirs = [render_email("membership_rejected", _rejected_context(v), language) for v in people]
    assert ours == theirs
    assert len(renderings) == 3  # name and reason; reason only; name only
    assert "Ann &lt;b&gt;&amp; &quot;O&#x27;Neil&quot;" in ours[1][2]
    assert 'Ann <b>& "O\'Neil"' in ours[1][1]


def test_frames_render_in_full_when_a_value_holds_a_nul_or_a_template_changes_a_mark():
    frames = mail.Frames()
    odd = {"name": "Null\x00Byte", "reason": "x"}

    assert frames.render(
        "membership_rejected", "de", shape=(), values=odd, context=_rejected_context
    ) == mail.render_email("membership_rejected", _rejected_context(odd), "de")

    def shouting(values):  # as a filter would: the mark is changed and not found
        return {"member": {"first_name": values["name"].upper()}, "reason": values["reason"]}

    values = {"name": "Jürgen", "reason": "x"}
    ours = frames.render("membership_rejected", "de", shape=(), values=values, context=shouting)
    assert ours == mail.render_email("membership_rejected", shouting(values), "de")
    assert "Hallo JÜRGEN," in ours[1]


@pytest.mark.django_db
def test_one_part_both_alternative_and_attachment_makes_the_message_two_parts_make(
    django_capture_on_commit_callbacks, mailoutbox
):
    ics = "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"
    part = {"mimetype": "text/calendar", "method": "REQUEST", "content": ics}
    with time_machine.travel(timezone.now(), tick=False):
        two = mail.build_email(
            key="a",
            to="x@example.com",
            template="membership_rejected",
            context={"member": {"first_name": "X"}},
            parts=[{**part, "alternative": True}, {**part, "filename": "invite.ics"}],
        )
        one = mail.build_email(
            key="a",
            to="x@example.com",
            template="membership_rejected",
            context={"member": {"first_name": "X"}},
            parts=[{**part, "alternative": True, "filename": "invite.ics"}],
        )
        one.uuid = two.uuid
        messages = [mail.build_message(row).message().as_bytes() for row in (one, two)]

    # The same message but for the random MIME boundaries.
    one_bytes, two_bytes = (re.sub(rb"={15}\d+==", b"BOUNDARY", m) for m in messages)
    assert one_bytes == two_bytes
    assert one_bytes.count(b"Content-Type: text/calendar") == 2
