"""Digest editions: which stretch of time a digest covers and when it is due.

Weekly: the edition of ISO week W (key `digest:2026-W48:user:42`) is sent on
the Monday of week W at 07:00 Europe/Berlin and covers the seven days before
that Monday (Monday 00:00 to Monday 00:00, local time).

Daily: the edition of a working day D (key `digest:2026-11-24:user:42`) is
sent on D at 07:00 and covers the day before; Monday's edition covers Friday
to Sunday, so nothing of the weekend falls between two editions. Working days
are Monday to Friday (public holidays are not known to the portal).

An edition stays "current" until the next one is due: that is how a digest
that could not go out at 07:00 (broker down) is still sent when the beat
task runs again, never skipped (see `digests.services.dispatch_digests`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

WEEKLY = "weekly"
DAILY = "daily"
FREQUENCIES = (WEEKLY, DAILY)
SEND_TIME = datetime.time(7, 0)


@dataclass(frozen=True)
class Period:
    """One edition of the digest."""

    frequency: str
    edition: str
    start: datetime.datetime
    end: datetime.datetime
    send_at: datetime.datetime

    @property
    def topic(self) -> str:
        """The outbox topic of the edition's mails (progress counts)."""
        return f"digest:{self.edition}"

    def key_for(self, user_id: int) -> str:
        """The outbox key of one member's digest: one per member and edition."""
        return f"digest:{self.edition}:user:{user_id}"

    @property
    def first_day(self) -> datetime.date:
        return timezone.localtime(self.start).date()

    @property
    def last_day(self) -> datetime.date:
        return timezone.localtime(self.end).date() - datetime.timedelta(days=1)


def _local(day: datetime.date, at: datetime.time = datetime.time(0)) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, at))


def _previous_working_day(day: datetime.date) -> datetime.date:
    day -= datetime.timedelta(days=1)
    while day.weekday() >= 5:
        day -= datetime.timedelta(days=1)
    return day


def weekly_period(monday: datetime.date) -> Period:
    """The weekly edition sent on `monday` (any day of the week is moved back to its Monday)."""
    monday -= datetime.timedelta(days=monday.weekday())
    year, week, _day = monday.isocalendar()
    return Period(
        frequency=WEEKLY,
        edition=f"{year}-W{week:02d}",
        start=_local(monday - datetime.timedelta(days=7)),
        end=_local(monday),
        send_at=_local(monday, SEND_TIME),
    )


def daily_period(day: datetime.date) -> Period:
    """The daily edition sent on the working day `day`: from the previous working day on."""
    if day.weekday() >= 5:
        raise ValueError(f"{day} is not a working day")
    return Period(
        frequency=DAILY,
        edition=day.isoformat(),
        start=_local(_previous_working_day(day)),
        end=_local(day),
        send_at=_local(day, SEND_TIME),
    )


def current_period(frequency: str, now: datetime.datetime | None = None) -> Period:
    """The latest edition of `frequency` whose send time has come at `now`."""
    local = timezone.localtime(now or timezone.now())
    today = local.date()
    if frequency == WEEKLY:
        period = weekly_period(today)
        if local < period.send_at:
            period = weekly_period(today - datetime.timedelta(days=7))
        return period
    if frequency == DAILY:
        day = today
        if day.weekday() >= 5 or local.time() < SEND_TIME:
            day = _previous_working_day(day)
        return daily_period(day)
    raise ValueError(f"unknown digest frequency {frequency!r}")


def period_for_edition(edition: str) -> Period:
    """The period of an edition label: `2026-W48` (weekly) or `2026-11-24` (daily)."""
    if "-W" in edition:
        year, week = edition.split("-W")
        return weekly_period(datetime.date.fromisocalendar(int(year), int(week), 1))
    return daily_period(datetime.date.fromisoformat(edition))
