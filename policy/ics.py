"""The key dates as an iCalendar (RFC 5545) subscription.

Only dates known to the day become events (all-day, so no time zone is
involved); dates known only to the month, quarter or year stay on the
calendar page. UIDs are stable per key date, so a calendar that refreshes
the subscription updates entries instead of duplicating them.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vDuration

from thementisch.mail import absolute_url

from .models import PolicyKeyDate

REFRESH = datetime.timedelta(hours=12)


def key_date_uid(key_date: PolicyKeyDate) -> str:
    return f"policy-keydate-{key_date.pk}@{settings.MAIL_DOMAIN}"


def build_calendar(dates: Iterable[PolicyKeyDate], *, name: str) -> bytes:
    """An iCalendar file (METHOD:PUBLISH) with one all-day event per key date."""
    calendar = Calendar()
    calendar.add("prodid", "-//Thementisch Metall//Policy radar//DE")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-caldesc", _("Key dates of the Thementisch Metall policy radar"))
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    stamp = timezone.now().astimezone(datetime.UTC).replace(microsecond=0)
    for key_date in dates:
        item = key_date.item
        url = absolute_url(item.get_absolute_url())
        description = [f"{key_date.get_kind_display()}: {key_date.display_label}"]
        if key_date.needs_review:
            description.append(_("This date is not confirmed yet."))
        description += [item.display_title, url]
        event = Event()
        event.add("uid", key_date_uid(key_date))
        event.add("dtstamp", stamp)
        event.add("dtstart", key_date.date)
        event.add("dtend", key_date.date + datetime.timedelta(days=1))
        event.add("summary", f"{item}: {key_date.display_label}")
        event.add("description", "\n".join(description))
        event.add("url", url)
        event.add("categories", [item.get_level_display()])
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical()
