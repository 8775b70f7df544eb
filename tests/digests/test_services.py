"""Dispatching editions: exactly one digest per member, nothing lost when tasks are."""

import datetime
import threading
from collections import Counter

import pytest
from django.db import connection

from digests import services
from digests.models import DigestBatch, DigestRun
from digests.periods import WEEKLY, current_period
from members.models import Notification, User
from tests.helpers import free_port, real_broker, require_postgres
from thementisch.models import OutgoingEmail

pytestmark = pytest.mark.django_db

LATER = datetime.timedelta(minutes=11)


def _recipients():
    return Counter(OutgoingEmail.objects.filter(topic="digest:2026-W11").values_list(
        "to_email", flat=True
    ))  # fmt: skip


def test_dispatch_queues_one_digest_per_member_and_completes_the_run(
    week, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        [run] = services.dispatch_digests(frequency=WEEKLY, now=week.now)

    recipients = _recipients()
    assert set(recipients.values()) == {1}
    assert {"alma@example.com", "sina@example.com", "dora@example.com"} <= set(recipients)
    assert "quentin@example.com" not in recipients
    run.refresh_from_db()
    assert run.edition == "2026-W11"
    assert run.members == User.objects.filter(status="approved", is_active=True).count()
    assert run.queued == sum(recipients.values())
    assert run.completed_at is not None


def test_beat_firing_twice_sends_nothing_twice(week, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.dispatch_digests(frequency=WEEKLY, now=week.now)
    first = _recipients()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.dispatch_digests(frequency=WEEKLY, now=week.now + LATER)
        services.dispatch_digests(frequency=WEEKLY, now=week.now + 2 * LATER)

    assert _recipients() == first
    assert callbacks == []


def test_members_are_split_into_batches_composed_once_each(
    week, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services, "BATCH_SIZE", 3)

    with django_capture_on_commit_callbacks(execute=True):
        [run] = services.dispatch_digests(frequency=WEEKLY, now=week.now)

    batches = list(DigestBatch.objects.filter(run=run))
    assert len(batches) == (run.members + 2) // 3
    assert all(batch.done_at for batch in batches)
    assert sorted(pk for batch in batches for pk in batch.member_ids) == sorted(
        User.objects.filter(status="approved", is_active=True).values_list("pk", flat=True)
    )
    assert set(_recipients().values()) == {1}
    assert services.send_digest_batch(batches[0].pk) == 0  # a redelivered task does nothing


def test_a_lost_batch_task_is_handed_out_again_ten_minutes_later(
    week, django_capture_on_commit_callbacks
):
    # The broker took the task and lost it (or the worker died): nothing was composed.
    with django_capture_on_commit_callbacks(execute=False) as lost:
        services.dispatch_digests(frequency=WEEKLY, now=week.now)
    assert len(lost) == 1
    assert _recipients() == Counter()

    with django_capture_on_commit_callbacks(execute=True) as early:
        services.dispatch_digests(frequency=WEEKLY, now=week.now + datetime.timedelta(minutes=5))
    assert early == []

    with django_capture_on_commit_callbacks(execute=True):
        [run] = services.dispatch_digests(frequency=WEEKLY, now=week.now + LATER)
    assert set(_recipients().values()) == {1}
    run.refresh_from_db()
    assert run.completed_at is not None


def test_broker_down_at_seven_the_digest_goes_out_when_it_is_back(
    week, django_capture_on_commit_callbacks, caplog
):
    closed = f"redis://127.0.0.1:{free_port()}/0"
    with real_broker(closed), django_capture_on_commit_callbacks(execute=True):
        [run] = services.dispatch_digests(frequency=WEEKLY, now=week.now)

    assert "could not enqueue digests.send_digest_batch" in caplog.text
    assert _recipients() == Counter()
    assert DigestRun.objects.get(pk=run.pk).completed_at is None

    # The catch-up tick after the broker is back.
    with django_capture_on_commit_callbacks(execute=True):
        services.dispatch_digests(now=week.now + LATER)

    recipients = _recipients()
    assert "alma@example.com" in recipients
    assert set(recipients.values()) == {1}


def test_the_first_dispatch_fixes_who_gets_the_edition(week, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        services.dispatch_digests(frequency=WEEKLY, now=week.now)
    week.alma.digest_frequency = "off"
    week.alma.save()
    latecomer = User.objects.create(
        email="neu@example.com", first_name="Neu", status="approved", is_active=True
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.dispatch_digests(frequency=WEEKLY, now=week.now + LATER)

    recipients = _recipients()
    assert "alma@example.com" not in recipients  # switched off in between
    assert latecomer.email not in recipients  # joined after the edition started
    assert "sina@example.com" in recipients


def test_daily_members_get_the_daily_edition_only(week, django_capture_on_commit_callbacks):
    week.sina.digest_frequency = "daily"
    week.sina.save()
    tuesday = week.now + datetime.timedelta(days=1)

    with django_capture_on_commit_callbacks(execute=True):
        runs = services.dispatch_digests(now=tuesday)

    assert sorted(run.edition for run in runs) == ["2026-03-10", "2026-W11"]
    assert "sina@example.com" not in _recipients()
    daily = OutgoingEmail.objects.filter(topic="digest:2026-03-10")
    assert list(daily.values_list("to_email", flat=True)) == []  # nothing new on Monday 9 March


def test_daily_digest_covers_the_day_before(week, django_capture_on_commit_callbacks):
    week.alma.digest_frequency = "daily"
    week.alma.save()
    thursday = week.now - datetime.timedelta(days=4)  # Thursday 5 March, 07:30

    with django_capture_on_commit_callbacks(execute=True):
        services.dispatch_digests(frequency="daily", now=thursday)

    row = OutgoingEmail.objects.get(key=f"digest:2026-03-05:user:{week.alma.pk}")
    assert row.subject == "Thementisch Metall: Ihr Tagesüberblick (04.03.2026)"
    assert "Aluminiumspäne gelten als Abfall" in row.body_text


def test_compose_skips_members_who_have_the_edition_already(week):
    period = current_period(WEEKLY, week.now)
    services.compose_digests(period, [week.dora.pk], now=week.now)
    later = Notification.objects.create(
        recipient=week.dora, kind="barrier_comment", title="Nach dem Überblick"
    )

    result = services.compose_digests(period, [week.dora.pk], now=week.now + LATER)

    later.refresh_from_db()
    assert (result.queued, result.already_queued) == (0, 1)
    assert later.digested_at is None  # stays for the next edition
    assert _recipients() == Counter({"dora@example.com": 1})


@pytest.mark.django_db(transaction=True)
def test_two_processes_composing_at_once_store_one_digest_each(week):
    require_postgres()
    period = current_period(WEEKLY, week.now)
    errors = []
    barrier = threading.Barrier(2)

    def compose():
        try:
            barrier.wait(timeout=10)
            services.compose_digests(period, week.member_ids, now=week.now)
        except Exception as error:  # noqa: BLE001 -- reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=compose) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    recipients = _recipients()
    assert len(recipients) == 6
    assert set(recipients.values()) == {1}
    week.notification.refresh_from_db()
    assert week.notification.digested_at is not None
