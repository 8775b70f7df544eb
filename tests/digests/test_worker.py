"""End to end: the digest through Redis, a real Celery worker and a local SMTP server.

The first test sends the digests of 200 members. The second sends 2,000 and
kills the worker (SIGKILL, as a crash or the OOM killer would) while it is
busy, then does what the running system does: a worker is started again, the
beat's catch-up hands out batches that were not composed, and the outbox
sweeper re-sends rows whose task died with the worker (their lease has run
out by then). Every member must end up with exactly one digest.

SMTP has no two-phase commit: a worker killed after the SMTP server accepted
a message but before the row was marked sent sends that message again after
the lease, with the same Message-ID (README "Mail delivery"). So the sink
may hold a repeated delivery of the same message for each worker process that
was killed in that instant; mail clients show it once. The test counts the
digests per member by Message-ID and allows at most that many repeats.
"""

import datetime
import time
from collections import defaultdict

import pytest
from django.utils import timezone

from digests import services
from digests.periods import WEEKLY, current_period
from members.models import User
from tests.factories import BarrierFactory
from tests.helpers import (
    CeleryWorker,
    SMTPSink,
    real_broker,
    redis_url,
    require_postgres,
    worker_env,
)
from thementisch import mail
from thementisch.models import OutgoingEmail

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

CONCURRENCY = 2


@pytest.fixture
def services_ready():
    require_postgres()
    return redis_url()


def _edition_with_news(count: int):
    """`count` members without chosen interests (they get every new barrier) and one new barrier."""
    now = timezone.now()
    period = current_period(WEEKLY, now)
    published = period.start + datetime.timedelta(days=2)
    BarrierFactory(
        title="Neues Hemmnis der Woche", created_at=published, status_changed_at=published
    )
    User.objects.bulk_create(
        [
            User(
                email=f"leser{number:05d}@example.com",
                first_name="Lea",
                last_name=f"Leser {number}",
                status=User.Status.APPROVED,
                password="!",
                privacy_consent_at=now,
                language="en" if number % 4 == 0 else "de",
            )
            for number in range(count)
        ],
        batch_size=1000,
    )
    expected = set(User.objects.filter(email__startswith="leser").values_list("email", flat=True))
    return now, period, expected


def _by_recipient(messages) -> dict[str, list[str]]:
    found = defaultdict(list)
    for message in messages:
        found[message["To"].addresses[0].addr_spec].append(message["Message-ID"])
    return found


def _wait_for_all(sink, expected: set[str], timeout: float) -> dict[str, list[str]]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = _by_recipient(list(sink.messages))
        if expected <= set(found):
            time.sleep(2)  # anything sent twice would arrive now
            return _by_recipient(list(sink.messages))
        time.sleep(0.5)
    return _by_recipient(list(sink.messages))


def test_a_real_worker_sends_the_digests_of_200_members(services_ready):
    now, period, expected = _edition_with_news(200)

    with SMTPSink() as sink, real_broker(services_ready) as queue:
        env = worker_env(broker=services_ready, queue=queue, smtp_port=sink.port)
        worker = CeleryWorker(env, concurrency=CONCURRENCY).start()
        try:
            services.dispatch_digests(frequency=WEEKLY, now=now)
            found = _wait_for_all(sink, expected, timeout=120)
        finally:
            worker.stop()

    assert set(found) == expected
    assert {len(ids) for ids in found.values()} == {1}
    message = next(
        m for m in sink.messages if m["To"].addresses[0].addr_spec == "leser00001@example.com"
    )
    assert (
        message["List-Unsubscribe"]
        .strip()
        .startswith("<https://portal.example.org/digest/unsubscribe/")
    )
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Auto-Submitted"] == "auto-generated"
    assert "Neues Hemmnis der Woche" in message.get_body(("plain",)).get_content()
    rows = OutgoingEmail.objects.filter(topic=period.topic)
    assert rows.count() == 200
    assert set(rows.values_list("status", flat=True)) == {OutgoingEmail.Status.SENT}


def test_2000_digests_survive_a_killed_worker_and_each_member_gets_exactly_one(
    services_ready, monkeypatch
):
    # Eight batches: the kill is likely to hit a batch being composed as well as mails being sent.
    monkeypatch.setattr(services, "BATCH_SIZE", 250)
    now, period, expected = _edition_with_news(2000)

    with SMTPSink() as sink, real_broker(services_ready) as queue:
        env = worker_env(broker=services_ready, queue=queue, smtp_port=sink.port)
        worker = CeleryWorker(env, concurrency=CONCURRENCY).start()
        try:
            services.dispatch_digests(frequency=WEEKLY, now=now)
            sink.wait_for(300, timeout=120)
            worker.kill()
            delivered_before_kill = len(sink.messages)
            assert 0 < delivered_before_kill < 2000, "the worker was not killed midway"

            # Time passes: the killed worker's leases run out (OUTBOX_LEASE_SECONDS).
            OutgoingEmail.objects.filter(status=OutgoingEmail.Status.SENDING).update(
                leased_until=timezone.now() - datetime.timedelta(seconds=1)
            )
            OutgoingEmail.objects.filter(status=OutgoingEmail.Status.PENDING).update(
                next_attempt_at=timezone.now()
            )
            worker = CeleryWorker(env, concurrency=CONCURRENCY).start()
            # The beat: the digests' catch-up, then the outbox sweeper.
            services.dispatch_digests(
                frequency=WEEKLY,
                now=timezone.now() + services.REDISPATCH_AFTER + datetime.timedelta(minutes=1),
            )
            mail.sweep()
            found = _wait_for_all(sink, expected, timeout=240)
        finally:
            worker.stop()

    assert set(found) == expected
    # Exactly one digest per member: one message, perhaps delivered twice (see above).
    assert {len(set(ids)) for ids in found.values()} == {1}
    repeated = len(sink.messages) - len(found)
    assert repeated <= CONCURRENCY
    rows = OutgoingEmail.objects.filter(topic=period.topic)
    assert rows.count() == 2000
    assert set(rows.values_list("status", flat=True)) == {OutgoingEmail.Status.SENT}
