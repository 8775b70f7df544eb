"""Editions: what a digest covers and when it is due (Europe/Berlin)."""

import datetime
import itertools

import pytest
from django.conf import settings
from django.utils import timezone

from digests.periods import (
    DAILY,
    WEEKLY,
    current_period,
    daily_period,
    period_for_edition,
    weekly_period,
)


def at(*args) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(*args))


def test_weekly_edition_covers_the_seven_days_before_its_monday():
    period = weekly_period(datetime.date(2026, 11, 23))

    assert period.edition == "2026-W48"
    assert period.start == at(2026, 11, 16)
    assert period.end == at(2026, 11, 23)
    assert period.send_at == at(2026, 11, 23, 7, 0)
    assert (period.first_day, period.last_day) == (
        datetime.date(2026, 11, 16),
        datetime.date(2026, 11, 22),
    )
    assert period.key_for(42) == "digest:2026-W48:user:42"
    assert period.topic == "digest:2026-W48"


@pytest.mark.parametrize(
    ("now", "edition"),
    [
        (at(2026, 11, 23, 6, 59), "2026-W47"),  # Monday before 07:00: last week's
        (at(2026, 11, 23, 7, 0), "2026-W48"),
        (at(2026, 11, 26, 15, 0), "2026-W48"),  # Thursday: still this Monday's (catch-up)
        (at(2026, 11, 29, 23, 59), "2026-W48"),
        (at(2027, 1, 4, 7, 30), "2027-W01"),
    ],
)
def test_current_weekly_edition(now, edition):
    assert current_period(WEEKLY, now).edition == edition


def test_daily_edition_covers_the_day_before_and_monday_the_weekend():
    tuesday = daily_period(datetime.date(2026, 11, 24))
    monday = daily_period(datetime.date(2026, 11, 23))

    assert tuesday.edition == "2026-11-24"
    assert (tuesday.start, tuesday.end) == (at(2026, 11, 23), at(2026, 11, 24))
    assert (monday.start, monday.end) == (at(2026, 11, 20), at(2026, 11, 23))
    assert monday.key_for(7) == "digest:2026-11-23:user:7"


@pytest.mark.parametrize(
    ("now", "edition"),
    [
        (at(2026, 11, 24, 6, 0), "2026-11-23"),  # before 07:00: yesterday's edition
        (at(2026, 11, 24, 7, 0), "2026-11-24"),
        (at(2026, 11, 28, 12, 0), "2026-11-27"),  # Saturday: Friday's
        (at(2026, 11, 30, 6, 59), "2026-11-27"),  # Monday early: still Friday's
    ],
)
def test_current_daily_edition(now, edition):
    assert current_period(DAILY, now).edition == edition


def test_daily_editions_leave_no_gap_across_a_week():
    days = [datetime.date(2026, 11, 23) + datetime.timedelta(days=n) for n in range(7)]
    periods = [daily_period(day) for day in days if day.weekday() < 5]
    periods.append(daily_period(datetime.date(2026, 11, 30)))

    for before, after in itertools.pairwise(periods):
        assert before.end == after.start


def test_across_daylight_saving_time_the_week_is_local():
    period = weekly_period(datetime.date(2026, 3, 30))  # clocks changed on 29 March

    assert timezone.localtime(period.start).hour == 0
    assert timezone.localtime(period.end).hour == 0
    utc = datetime.UTC
    assert period.end.astimezone(utc) - period.start.astimezone(utc) == datetime.timedelta(
        days=7, hours=-1
    )


@pytest.mark.parametrize("edition", ["2026-W48", "2026-W01", "2026-11-24"])
def test_edition_labels_round_trip(edition):
    assert period_for_edition(edition).edition == edition


def test_beat_runs_the_digest_at_seven_in_berlin_and_catches_up():
    schedule = settings.CELERY_BEAT_SCHEDULE
    weekly = schedule["digests-weekly"]
    daily = schedule["digests-daily"]
    catch_up = schedule["digests-catch-up"]

    assert settings.CELERY_TIMEZONE == "Europe/Berlin"
    assert weekly["task"] == daily["task"] == catch_up["task"] == "digests.dispatch_digests"
    assert weekly["kwargs"] == {"frequency": "weekly"}
    assert weekly["schedule"].hour == {7}
    assert weekly["schedule"].minute == {0}
    assert weekly["schedule"].day_of_week == {1}
    assert daily["schedule"].day_of_week == {1, 2, 3, 4, 5}
    assert len(catch_up["schedule"].minute) == 6
