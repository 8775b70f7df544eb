"""iCalendar for meetings (RFC 5545), as invitations (RFC 5546 iTIP) and feeds.

One meeting keeps one UID for its lifetime; SEQUENCE rises with every
revision; times carry TZID=Europe/Berlin with a VTIMEZONE; DTSTAMP is UTC.
An invitation lists only its recipient as ATTENDEE, so no other addresses
are disclosed, and the ORGANIZER is the coordination's mailbox.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from email.utils import parseaddr
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, Timezone, vCalAddress, vText

from thementisch.mail import absolute_url
from thementisch.markdown import markdown_to_text

from .models import Invitation, Meeting

BERLIN = ZoneInfo("Europe/Berlin")
PRODID = "-//Thementisch Metall//Sitzungen//DE"

PARTSTAT = {
    Invitation.Response.PENDING: "NEEDS-ACTION",
    Invitation.Response.YES: "ACCEPTED",
    Invitation.Response.NO: "DECLINED",
    Invitation.Response.MAYBE: "TENTATIVE",
    Invitation.Response.WAITLISTED: "TENTATIVE",
}


def organizer_address() -> tuple[str, str]:
    """(name, email) of the ORGANIZER: MEETINGS_ORGANIZER_EMAIL or the sender."""
    configured = getattr(settings, "MEETINGS_ORGANIZER_EMAIL", "") or settings.DEFAULT_FROM_EMAIL
    name, address = parseaddr(configured)
    return name or "Thementisch Metall", address


def _location(meeting: Meeting, *, with_online: bool) -> str:
    parts = [" ".join(meeting.venue.split())] if meeting.venue.strip() else []
    if with_online and meeting.online_url:
        parts.append(meeting.online_url)
    return ", ".join(parts)


def meeting_event(
    meeting: Meeting,
    *,
    invitation: Invitation | None = None,
    cancelled: bool = False,
    stamp: datetime | None = None,
    agenda: Iterable | None = None,
    private: bool = False,
) -> Event:
    """The VEVENT of `meeting`; with `invitation`, its invitee as the only ATTENDEE.

    The online link goes only into invitations and personal calendars (`private`).
    """
    event = Event()
    event.add("uid", meeting.ical_uid)
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", (stamp or timezone.now()).astimezone(UTC))
    event.add("dtstart", meeting.starts_at.astimezone(BERLIN))
    event.add("dtend", meeting.ends_at.astimezone(BERLIN))
    event.add("summary", meeting.title)
    description = markdown_to_text(meeting.description)
    if agenda:
        lines = [
            f"{item.time:%H:%M} {item.title}" if item.time else f"– {item.title}" for item in agenda
        ]
        description = (description + "\n\n" if description else "") + "\n".join(lines)
    url = absolute_url(meeting.get_absolute_url())
    if description:
        event.add("description", f"{description}\n\n{url}")
    else:
        event.add("description", url)
    location = _location(meeting, with_online=private or invitation is not None)
    if location:
        event.add("location", location)
    event.add("url", url)
    name, address = organizer_address()
    organizer = vCalAddress(f"mailto:{address}")
    organizer.params["cn"] = vText(name)
    event.add("organizer", organizer)
    if invitation is not None:
        attendee = vCalAddress(f"mailto:{invitation.address}")
        attendee.params["cn"] = vText(invitation.display_name)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = vText(PARTSTAT[invitation.response])
        attendee.params["rsvp"] = vText("TRUE")
        event.add("attendee", attendee)
    status = "CANCELLED" if cancelled or meeting.is_cancelled else "CONFIRMED"
    event.add("status", status)
    event.add("transp", "OPAQUE")
    return event


def _calendar(method: str | None = None, name: str = "") -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    if name:
        cal.add("x-wr-calname", name)
    return cal


@lru_cache(maxsize=8)
def _vtimezone(tzid: str) -> Timezone | None:
    """The VTIMEZONE of `tzid` (1970–2038), built once per process: it does not
    depend on the events, and building it costs more than the rest of the ICS."""
    try:
        return Timezone.from_tzid(tzid)
    except ValueError:  # not a known zone: left out, as add_missing_timezones does
        return None


def _add_timezones(cal: Calendar) -> None:
    """Calendar.add_missing_timezones, with each VTIMEZONE built once per process."""
    position = len(cal.timezones)
    for tzid in sorted(cal.get_missing_tzids()):
        component = _vtimezone(tzid)
        if component is not None:
            cal.subcomponents.insert(position, component)
            position += 1


def invitation_ics(
    meeting: Meeting, invitation: Invitation, *, method: str, agenda: Iterable | None = None
) -> str:
    """The iTIP message for one invitee: METHOD REQUEST (new, update) or CANCEL."""
    cal = _calendar(method)
    cal.add_component(
        meeting_event(meeting, invitation=invitation, cancelled=method == "CANCEL", agenda=agenda)
    )
    _add_timezones(cal)
    return cal.to_ical().decode()


def meeting_ics(meeting: Meeting, *, agenda: Iterable | None = None, private: bool = False) -> str:
    """A single meeting to download and import (METHOD PUBLISH, no attendees)."""
    cal = _calendar("PUBLISH")
    cal.add_component(meeting_event(meeting, agenda=agenda, private=private))
    _add_timezones(cal)
    return cal.to_ical().decode()


def feed_ics(meetings: Iterable[Meeting], *, name: str) -> str:
    """A subscription calendar: every meeting given, cancelled ones marked so."""
    cal = _calendar(name=name)
    stamp = timezone.now()
    for meeting in meetings:
        cal.add_component(meeting_event(meeting, stamp=stamp, private=True))
    _add_timezones(cal)
    return cal.to_ical().decode()
