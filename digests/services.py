"""Digest operations: dispatch an edition, compose and queue batches, preview, unsubscribe.

How a digest goes out exactly once, and is not lost:

1. Celery beat runs `dispatch_digests` at 07:00 (weekly on Mondays, daily on
   working days) and every ten minutes after, as a catch-up. It creates the
   edition's `DigestRun` once, splits the members due into `DigestBatch`
   rows (fixed at the first dispatch) and enqueues one task per batch.
   Batches not done ten minutes after they were handed out (the broker was
   down, or the worker died) are handed out again; a completed run is left alone.
2. `send_digest_batch` locks its batch row (a second copy of the task skips
   it), composes the batch's digests and stores them in the outbox with
   `queue_emails`, each with the key `digest:<edition>:user:<id>`, marks the
   included notifications as digested and the batch as done: all in one
   transaction. A worker killed midway leaves nothing behind.
3. The outbox sends each row once (claim, send, mark); rows whose task was
   lost are re-sent by its sweeper.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation

from members.models import Notification, User
from members.services import update_profile
from thementisch import mail
from thementisch.models import OutgoingEmail
from thementisch.queue import enqueue_on_commit

from .content import MemberDigest, digest_for, load_content
from .models import DigestBatch, DigestRun
from .periods import FREQUENCIES, Period, current_period
from .render import Renderer

logger = logging.getLogger(__name__)

BATCH_SIZE = 1000
COMPOSE_CHUNK = 5000
REDISPATCH_AFTER = datetime.timedelta(minutes=10)
TEST_TOPIC = "digest-test"


class DigestError(Exception):
    """A digest operation that cannot be done; the message says why."""


@dataclass
class ComposeResult:
    members: int = 0  # approved members with the frequency, not yet sent this edition
    queued: int = 0  # digests stored in the outbox
    without_news: int = 0  # members with nothing new: no mail
    already_queued: int = 0  # had this edition's digest already


# --- composing ------------------------------------------------------------------


def compose_digests(
    period: Period,
    member_ids: Sequence[int],
    *,
    now: datetime.datetime | None = None,
    frequency: str | None = None,
) -> ComposeResult:
    """Compose and queue the digests of `member_ids` for `period`.

    Loads the period's content once for all of them (a fixed number of
    queries), matches per member in memory, stores the rows with
    `mail.queue_emails` (bulk; sent after commit) and marks the notifications
    they include as digested. Members who already have this edition's row,
    who are no longer approved or (with `frequency`) changed their frequency,
    or who have nothing new, get nothing.
    """
    now = now or timezone.now()
    result = ComposeResult()
    ids = list(member_ids)
    if not ids:
        return result
    done = set(
        OutgoingEmail.objects.filter(topic=period.topic, recipient_id__in=ids).values_list(
            "recipient_id", flat=True
        )
    )
    result.already_queued = len(done)
    ids = [pk for pk in ids if pk not in done]
    if not ids:
        return result
    content = load_content(period, ids, now=now, frequency=frequency)
    result.members = len(content.members)
    renderer = Renderer()
    # Members of one language after another: each shared section is rendered once per language.
    members = sorted(content.members, key=lambda member: (member.language, member.pk))
    for start in range(0, len(members), COMPOSE_CHUNK):
        rows = []
        notifications: dict[int, list[int]] = {}
        for member in members[start : start + COMPOSE_CHUNK]:
            digest = digest_for(content, member)
            if not digest.has_news:
                result.without_news += 1
                continue
            rows.append(renderer.row(digest, key=period.key_for(member.pk)))
            notifications[member.pk] = digest.notification_ids
        result.queued += _store(rows, notifications, now=now)
    return result


@transaction.atomic
def _store(rows: list[OutgoingEmail], notifications: dict[int, list[int]], *, now) -> int:
    """Queue the rows; mark the notifications of the digests actually stored. Returns the count."""
    if not rows:
        return 0
    mail.queue_emails(rows)
    # A key that existed already (another process was faster) kept its row:
    # only rows with our uuid were stored by this call.
    stored = set(
        OutgoingEmail.objects.filter(uuid__in=[row.uuid for row in rows]).values_list(
            "recipient_id", flat=True
        )
    )
    digested = [pk for member_id in stored for pk in notifications.get(member_id, ())]
    if digested:
        Notification.objects.filter(
            pk__in=digested, emailed_at__isnull=True, digested_at__isnull=True
        ).update(digested_at=now)
    return len(stored)


# --- dispatching (beat) -----------------------------------------------------------


def dispatch_digests(
    *,
    frequency: str | None = None,
    now: datetime.datetime | None = None,
    period: Period | None = None,
) -> list[DigestRun]:
    """Start or resume the current edition of each digest (or of `frequency`, or `period`).

    Run by celery beat at 07:00 and every ten minutes as a catch-up, and by
    `manage.py send_digests`. Enqueues one `send_digest_batch` task per batch
    after commit; does nothing for an edition already complete.
    """
    now = now or timezone.now()
    if period is not None:
        return [_dispatch(period, now)]
    frequencies = [frequency] if frequency else list(FREQUENCIES)
    return [_dispatch(current_period(f, now), now) for f in frequencies]


@transaction.atomic
def _dispatch(period: Period, now: datetime.datetime) -> DigestRun:
    run, _created = DigestRun.objects.get_or_create(
        edition=period.edition,
        defaults={
            "frequency": period.frequency,
            "period_start": period.start,
            "period_end": period.end,
        },
    )
    run = DigestRun.objects.select_for_update().get(pk=run.pk)
    if run.completed_at:
        return run
    if run.dispatched_at is None:
        # The first dispatch fixes who gets this edition.
        member_ids = list(
            User.objects.filter(
                is_active=True, status=User.Status.APPROVED, digest_frequency=period.frequency
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        DigestBatch.objects.bulk_create(
            [
                DigestBatch(
                    run=run, number=number, member_ids=member_ids[start : start + BATCH_SIZE]
                )
                for number, start in enumerate(range(0, len(member_ids), BATCH_SIZE))
            ]
        )
        run.members = len(member_ids)
    open_batches = run.batches.filter(done_at__isnull=True)
    if not open_batches.exists():
        run.completed_at = now
    else:
        due = list(
            open_batches.filter(
                Q(dispatched_at__isnull=True) | Q(dispatched_at__lt=now - REDISPATCH_AFTER)
            ).values_list("pk", flat=True)
        )
        DigestBatch.objects.filter(pk__in=due).update(dispatched_at=now)
        from .tasks import send_digest_batch_task  # the task module imports this one

        for batch_id in due:
            enqueue_on_commit(send_digest_batch_task, batch_id)
        if due:
            logger.info("digests: %s, %s batches handed out", run.edition, len(due))
    run.dispatched_at = now
    run.save()
    return run


def send_digest_batch(batch_id: int, *, now: datetime.datetime | None = None) -> int:
    """Compose and queue one batch of a run, once; returns the digests queued.

    The batch row is locked for the whole composition: a second copy of the
    task (redelivery, re-dispatch) skips a batch in progress or done.
    """
    now = now or timezone.now()
    with transaction.atomic():
        batch = (
            DigestBatch.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("run")
            .filter(pk=batch_id, done_at__isnull=True)
            .first()
        )
        if batch is None:
            return 0
        run = batch.run
        result = compose_digests(run.period, batch.member_ids, now=now, frequency=run.frequency)
        batch.done_at = now
        batch.queued = result.queued
        batch.save(update_fields=["done_at", "queued"])
        DigestRun.objects.filter(pk=run.pk).update(queued=F("queued") + result.queued)
        if not run.batches.filter(done_at__isnull=True).exclude(pk=batch.pk).exists():
            DigestRun.objects.filter(pk=run.pk).update(completed_at=now)
    logger.info(
        "digests: %s batch %s: %s queued, %s without news",
        run.edition,
        batch.number,
        result.queued,
        result.without_news,
    )
    return result.queued


# --- preview and test digest (admin) ---------------------------------------------------


def member_digest(
    member: User, *, frequency: str | None = None, now: datetime.datetime | None = None
) -> MemberDigest:
    """The digest `member` gets in the current edition (of `frequency`); nothing is stored."""
    now = now or timezone.now()
    frequency = frequency or (
        member.digest_frequency if member.digest_frequency in FREQUENCIES else FREQUENCIES[0]
    )
    period = current_period(frequency, now)
    content = load_content(period, [member.pk], now=now, members=[member])
    return digest_for(content, member)


def preview_digest(
    member: User,
    *,
    viewer: User,
    frequency: str | None = None,
    now: datetime.datetime | None = None,
) -> tuple[MemberDigest, OutgoingEmail]:
    """The member's current digest as the coordinator sees it (row not saved).

    Answer buttons lead to the meeting page and the unsubscribe link is the
    viewer's own, so nothing in a preview acts for the member.
    """
    digest = member_digest(member, frequency=frequency, now=now)
    row = Renderer(preview=True).row(digest, key="preview", to=viewer)
    return digest, row


def send_test_digest(
    member: User,
    *,
    to: User,
    frequency: str | None = None,
    now: datetime.datetime | None = None,
) -> OutgoingEmail:
    """Queue the member's current digest to `to` (the coordinator), marked as a test.

    Like the preview, it acts for nobody: answer buttons lead to the meeting
    page, the unsubscribe link is the recipient's own. Notifications stay
    pending for the member's real digest.
    """
    now = now or timezone.now()
    digest = member_digest(member, frequency=frequency, now=now)
    with translation.override(member.language or "de"):
        prefix = translation.gettext("[Test] ")
    row = Renderer(preview=True).row(
        digest,
        key=f"{TEST_TOPIC}:{digest.period.edition}:user:{member.pk}:to:{to.pk}:{now:%Y%m%d%H%M%S%f}",
        to=to,
        topic=TEST_TOPIC,
        subject_prefix=prefix,
    )
    with transaction.atomic():
        mail.queue_emails([row])
    return row


# --- unsubscribe -------------------------------------------------------------------------


def unsubscribe(user: User) -> bool:
    """Turn the member's digest off (one-click unsubscribe). Returns whether it was on."""
    if user.digest_frequency == User.DigestFrequency.OFF:
        return False
    update_profile(user, data={"digest_frequency": User.DigestFrequency.OFF})
    logger.info("digests: member %s unsubscribed", user.pk)
    return True
