"""The mail outbox: every email is a row first, then a message.

A service calls `queue_email` (or `queue_emails` for many) inside the
transaction of the change that causes the mail. The row's unique key makes
queuing idempotent; `transaction.on_commit` hands the ids to the send task.
The task claims each row with a conditional UPDATE (pending -> sending, with
a lease), sends it and marks it sent, so a redelivered task sends nothing
twice. SMTP errors are retried with backoff and end as `failed` with the
error kept. `sweep` re-enqueues rows whose task never ran (broker down) and
rows whose lease ran out (worker killed): the one residual duplicate is a
worker killed between the SMTP server's accept and the commit of `sent`,
and it goes out with the same Message-ID.
"""

from __future__ import annotations

import base64
import logging
import random
import smtplib
from collections.abc import Callable, Iterable, Sequence
from datetime import timedelta
from email.header import Header
from email.message import Message
from email.utils import formataddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.message import SafeMIMEText
from django.db.models import Count, F, Q
from django.template import engines
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import escape

from .models import OutgoingEmail
from .queue import enqueue_on_commit

logger = logging.getLogger(__name__)

# A freshly queued row is sent by its on-commit task; the sweeper leaves it
# alone for this long so the two do not race for nothing.
SWEEP_GRACE = timedelta(seconds=60)
# Errors that another attempt cannot fix: a refused address, a message that
# cannot be encoded (e.g. a non-ASCII local part without SMTPUTF8).
PERMANENT_ERRORS = (
    smtplib.SMTPRecipientsRefused,
    smtplib.SMTPSenderRefused,
    UnicodeError,
    ValueError,
)


def absolute_url(path: str) -> str:
    """`path` (or an absolute URL) as a full URL under SITE_URL."""
    if path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL + path


def render_email(template: str, context: dict[str, Any], language: str) -> tuple[str, str, str]:
    """Render subject, text and HTML of `templates/emails/<template>/` in `language`."""
    context = {"site_url": settings.SITE_URL, "language": language, **context}
    with translation.override(language):
        text_engine = engines["text"]
        subject = text_engine.get_template(f"emails/{template}/subject.txt").render(context)
        text = text_engine.get_template(f"emails/{template}/body.txt").render(context)
        html = render_to_string(f"emails/{template}/body.html", context)
    # One line, no header injection: newlines in titles collapse to spaces.
    subject = " ".join(subject.split())
    return subject, text.strip() + "\n", html


def mark(name: str) -> str:
    """The mark where a recipient's own value goes in a shared rendering.

    NUL never occurs in rendered text, so a mark cannot collide with content.
    """
    return f"\x00{name}\x00"


class Frames:
    """Mail rendered once for many recipients, each recipient's own values filled in.

    Many recipients of one mail (a meeting's invitees) get the same text but
    for a few values: their name, their own links. `render` renders the
    templates once per shape (the template, the language, whatever else the
    templates branch on, which non-empty values there are) with marks in
    place of those values, and fills each recipient's values into a copy:
    escaped in the HTML, as they are in the text and subject. The result is
    what `render_email` gives with the values themselves in the context
    (tests compare both). Values must be shown as they are (no filters):
    a mark that a template changed is not found, and then that recipient's
    mail is rendered in full.
    """

    def __init__(self) -> None:
        self.frames: dict[tuple, tuple[str, str, str]] = {}

    def render(
        self,
        template: str,
        language: str,
        *,
        shape: tuple,
        values: dict[str, str],
        context: Callable[[dict[str, str]], dict[str, Any]],
    ) -> tuple[str, str, str]:
        """Subject, text and HTML of `template` for `context(values)`.

        `shape` holds everything besides the language and `values` that the
        templates' output depends on; `context(values)` makes the context
        with the given values (the recipient's, or marks).
        """
        if any("\x00" in value for value in values.values()):
            return render_email(template, context(values), language)
        # An empty value stays in the frame: templates may test it ({% if name %}).
        marked = tuple(sorted(name for name, value in values.items() if value))
        key = (template, language, shape, marked)
        frame = self.frames.get(key)
        if frame is None:
            stand_ins = {name: mark(name) if name in marked else values[name] for name in values}
            frame = self.frames[key] = render_email(template, context(stand_ins), language)
        subject, text, html = frame
        for name in marked:
            value = values[name]
            subject = subject.replace(mark(name), value)
            text = text.replace(mark(name), value)
            html = html.replace(mark(name), escape(value))
        if "\x00" in subject or "\x00" in text or "\x00" in html:
            return render_email(template, context(values), language)
        # As render_email does, on the filled-in text.
        return " ".join(subject.split()), text.strip() + "\n", html


def build_email(
    *,
    key: str,
    to: str,
    template: str,
    context: dict[str, Any] | None = None,
    language: str = "de",
    to_name: str = "",
    recipient: Any = None,
    topic: str = "",
    headers: dict[str, str] | None = None,
    parts: list[dict[str, Any]] | None = None,
    from_email: str | None = None,
    rendered: tuple[str, str, str] | None = None,
) -> OutgoingEmail:
    """An outbox row, rendered but not saved (for `queue_emails`).

    `rendered` (subject, text, html) skips rendering, for mail that another
    library composed (allauth's confirmation and password mails).
    """
    subject, text, html = rendered or render_email(template, context or {}, language)
    return OutgoingEmail(
        key=key,
        topic=topic,
        template=template,
        recipient=recipient,
        to_email=to,
        to_name=to_name,
        from_email=from_email or settings.DEFAULT_FROM_EMAIL,
        subject=subject,
        body_text=text,
        body_html=html,
        headers=headers or {},
        parts=parts or [],
        language=language,
        next_attempt_at=timezone.now() + SWEEP_GRACE,
    )


def queue_email(**kwargs: Any) -> OutgoingEmail:
    """Store one email in the outbox and send it after commit.

    Takes the arguments of `build_email`. Queuing the same key again returns
    the existing row and sends nothing new.
    """
    existing = OutgoingEmail.objects.filter(key=kwargs["key"]).first()
    if existing is not None:
        return existing
    row = build_email(**kwargs)
    row.save(force_insert=True)
    enqueue_on_commit(_send_task(), [row.pk])
    return row


def queue_email_to_user(user: Any, **kwargs: Any) -> OutgoingEmail:
    """`queue_email` to a member's address, in the member's language."""
    return queue_email(
        to=user.email,
        to_name=user.get_full_name(),
        recipient=user,
        language=getattr(user, "language", "") or settings.LANGUAGE_CODE,
        **kwargs,
    )


def queue_emails(rows: Iterable[OutgoingEmail]) -> list[int]:
    """Store many rendered rows at once (keys already present are skipped).

    Sends the new rows after commit in batches of OUTBOX_BATCH_SIZE, so many
    workers share the work. Returns the ids of the pending rows for the keys.
    """
    rows = list(rows)
    if not rows:
        return []
    OutgoingEmail.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    keys = [row.key for row in rows]
    ids: list[int] = []
    for start in range(0, len(keys), 5000):
        ids.extend(
            OutgoingEmail.objects.filter(
                key__in=keys[start : start + 5000], status=OutgoingEmail.Status.PENDING
            ).values_list("pk", flat=True)
        )
    task = _send_task()
    for batch in _batches(ids, settings.OUTBOX_BATCH_SIZE):
        enqueue_on_commit(task, batch)
    return ids


def _batches(ids: Sequence[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])


def _send_task():
    from .tasks import send_emails_task  # the task module imports this one

    return send_emails_task


class _OutboxMessage(EmailMultiAlternatives):
    """A message whose text/calendar parts carry their iTIP `method` parameter."""

    def message(self, *args, **kwargs):
        msg = super().message(*args, **kwargs)
        if not self.subject.isascii():
            # Django encodes a non-ASCII subject as one long encoded word, which
            # the generator then folds onto a line of its own ("Subject: " CRLF
            # " =?utf-8?...") and parsers read back with a leading space. A
            # Header that knows its name folds after the first encoded word.
            # (Django's own __setitem__ would turn the Header back into a string.)
            del msg["Subject"]
            Message.__setitem__(
                msg, "Subject", Header(self.subject, "utf-8", header_name="Subject")
            )
        return msg

    def _create_mime_attachment(self, content, mimetype):
        if mimetype.startswith("text/calendar"):
            method = ""
            if "method=" in mimetype:
                method = mimetype.split("method=", 1)[1].split(";")[0].strip()
            part = SafeMIMEText(content, "calendar", "utf-8")
            if method:
                part.set_param("method", method)
            return part
        return super()._create_mime_attachment(content, mimetype)


def build_message(row: OutgoingEmail, connection: Any = None) -> EmailMultiAlternatives:
    """The message for an outbox row: text, HTML, extra parts and headers.

    A part with `alternative` is one more view of the body (a calendar
    request); with `filename` it is an attachment; with both, it is both (the
    content stored once).
    """
    headers = {
        "Message-ID": row.message_id,
        "Auto-Submitted": "auto-generated",
        "X-Auto-Response-Suppress": "OOF, AutoReply",
        **row.headers,
    }
    to = formataddr((row.to_name, row.to_email)) if row.to_name else row.to_email
    message = _OutboxMessage(
        subject=row.subject,
        body=row.body_text,
        from_email=row.from_email,
        to=[to],
        headers=headers,
        connection=connection,
    )
    if row.body_html:
        message.attach_alternative(row.body_html, "text/html")
    for part in row.parts:
        mimetype = part["mimetype"]
        if part.get("method"):
            mimetype = f"{mimetype}; method={part['method']}"
        content = part["content"]
        if part.get("encoding") == "base64":
            content = base64.b64decode(content)
        if part.get("alternative"):
            message.attach_alternative(content, mimetype)
        if part.get("filename"):
            message.attach(part["filename"], content, mimetype)
    return message


def _claim(email_id: int) -> OutgoingEmail | None:
    """Take the row for sending, or None if it is sent, failed or leased."""
    now = timezone.now()
    claimed = (
        OutgoingEmail.objects.filter(pk=email_id)
        .filter(
            Q(status=OutgoingEmail.Status.PENDING)
            | Q(status=OutgoingEmail.Status.SENDING, leased_until__lt=now)
        )
        .update(
            status=OutgoingEmail.Status.SENDING,
            leased_until=now + timedelta(seconds=settings.OUTBOX_LEASE_SECONDS),
            attempts=F("attempts") + 1,
        )
    )
    if not claimed:
        return None
    return OutgoingEmail.objects.get(pk=email_id)


def retry_delay(attempts: int) -> int:
    """Seconds before the next attempt: exponential, capped, with jitter."""
    base = min(600, 30 * 2 ** max(0, attempts - 1))
    return int(base * random.uniform(0.8, 1.0))  # noqa: S311 -- jitter, not crypto


def deliver(email_ids: Sequence[int]) -> list[int]:
    """Send the given outbox rows over one connection.

    Rows already sent, failed or leased by another worker are skipped.
    Returns the ids that failed temporarily and should be retried; rows that
    failed for good are marked `failed` with the error.
    """
    retry: list[int] = []
    connection = get_connection()
    try:
        for email_id in email_ids:
            row = _claim(email_id)
            if row is None:
                continue
            try:
                connection.send_messages([build_message(row, connection)])
            except Exception as error:  # noqa: BLE001 -- every SMTP/socket error is recorded
                logger.warning("outbox: sending email %s failed: %s", row.pk, error)
                _record_failure(row, error)
                if row.status == OutgoingEmail.Status.PENDING:
                    retry.append(row.pk)
                connection.close()
                connection = get_connection()
                continue
            OutgoingEmail.objects.filter(pk=row.pk).update(
                status=OutgoingEmail.Status.SENT,
                sent_at=timezone.now(),
                leased_until=None,
                last_error="",
            )
            logger.info("outbox: sent email %s %s", row.pk, row.message_id)
    finally:
        connection.close()
    return retry


def _record_failure(row: OutgoingEmail, error: Exception) -> None:
    permanent = isinstance(error, PERMANENT_ERRORS) or (
        isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500
    )
    row.last_error = f"{type(error).__name__}: {error}"[:2000]
    row.leased_until = None
    if permanent or row.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        row.status = OutgoingEmail.Status.FAILED
    else:
        row.status = OutgoingEmail.Status.PENDING
        row.next_attempt_at = timezone.now() + timedelta(seconds=retry_delay(row.attempts))
    row.save(update_fields=["last_error", "leased_until", "status", "next_attempt_at"])


def sweep(limit: int = 5000) -> int:
    """Re-enqueue rows that are due: never handed to a worker, or whose lease ran out.

    Run by celery beat every minute (and `manage.py sweep_outbox`). Returns
    how many rows were enqueued.
    """
    now = timezone.now()
    due = list(
        OutgoingEmail.objects.filter(
            Q(status=OutgoingEmail.Status.PENDING, next_attempt_at__lte=now)
            | Q(status=OutgoingEmail.Status.SENDING, leased_until__lt=now)
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    task = _send_task()
    for batch in _batches(due, settings.OUTBOX_BATCH_SIZE):
        task.delay(batch)
    return len(due)


def resend(rows: Iterable[OutgoingEmail]) -> int:
    """Put failed rows back in the queue (admin action). Returns the count."""
    ids = [row.pk for row in rows if row.status == OutgoingEmail.Status.FAILED]
    OutgoingEmail.objects.filter(pk__in=ids).update(
        status=OutgoingEmail.Status.PENDING, attempts=0, next_attempt_at=timezone.now()
    )
    for batch in _batches(ids, settings.OUTBOX_BATCH_SIZE):
        enqueue_on_commit(_send_task(), batch)
    return len(ids)


def progress(topic: str) -> dict[str, int]:
    """Counts per status of the rows of one topic, e.g. ``meeting:7``."""

    counts = dict.fromkeys(OutgoingEmail.Status.values, 0)
    for row in OutgoingEmail.objects.filter(topic=topic).values("status").annotate(n=Count("pk")):
        counts[row["status"]] = row["n"]
    return counts
