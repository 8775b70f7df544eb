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
        event.add("attendee", _attendee(invitation))
    status = "CANCELLED" if cancelled or meeting.is_cancelled else "CONFIRMED"
    event.add("status", status)
    event.add("transp", "OPAQUE")
    return event


def _attendee(invitation: Invitation) -> vCalAddress:
    """The invitee as the ATTENDEE of an invitation (the only one: no other address shows)."""
    attendee = vCalAddress(f"mailto:{invitation.address}")
    attendee.params["cn"] = vText(invitation.display_name)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = vText(PARTSTAT[invitation.response])
    attendee.params["rsvp"] = vText("TRUE")
    return attendee


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


class InvitationCalendar:
    """The iTIP messages of one meeting revision, one per invitee (METHOD REQUEST or CANCEL).

    The messages of one meeting differ only in the ATTENDEE line, so the
    calendar around it (the event, the VTIMEZONE with its hundred transitions)
    is serialised once, and each invitee's ATTENDEE line, serialised by
    icalendar like the rest, is put in its place. iCalendar folds every line
    on its own, so the result is the bytes icalendar gives for the whole
    calendar (tests/meetings/test_emails.py compares them). All messages made
    by one instance carry its DTSTAMP (the moment the batch was made).
    """

    def __init__(
        self,
        meeting: Meeting,
        *,
        method: str,
        agenda: Iterable | None = None,
        stamp: datetime | None = None,
    ):
        cal = _calendar(method)
        event = meeting_event(
            meeting,
            cancelled=method == "CANCEL",
            stamp=stamp,
            agenda=agenda,
            private=True,  # an invitation carries the online link
        )
        # A stand-in attendee marks the place of the line: properties are
        # sorted by name, whatever their values.
        event.add("attendee", vCalAddress("mailto:attendee"))
        cal.add_component(event)
        _add_timezones(cal)
        lines = [line for line in cal.content_lines() if line]
        (place,) = [n for n, line in enumerate(lines) if line.startswith("ATTENDEE")]
        self.head = b"".join(line.to_ical() + b"\r\n" for line in lines[:place])
        self.tail = b"".join(line.to_ical() + b"\r\n" for line in lines[place + 1 :])

    def ics(self, invitation: Invitation) -> str:
        """The message for `invitation`, its invitee the only ATTENDEE."""
        single = Event()
        single.add("attendee", _attendee(invitation))
        (line,) = [line for line in single.content_lines() if line.startswith("ATTENDEE")]
        return (self.head + line.to_ical() + b"\r\n" + self.tail).decode()


def invitation_ics(
    meeting: Meeting, invitation: Invitation, *, method: str, agenda: Iterable | None = None
) -> str:
    """The iTIP message for one invitee: METHOD REQUEST (new, update) or CANCEL."""
    return InvitationCalendar(meeting, method=method, agenda=agenda).ics(invitation)


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
