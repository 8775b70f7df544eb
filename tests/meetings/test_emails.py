"""Invitation, update and cancellation as the recipient's mail client sees them."""

from datetime import UTC, time, timedelta

import pytest
from icalendar import Calendar

from sessions import services
from sessions.models import Invitation
from tests.helpers import assert_email_contains, links_in, parse
from tests.meetings.factories import AgendaItemFactory, MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(member):
    meeting = MeetingFactory(
        title="Plenum Kreislaufwirtschaft", online_url="https://meet.example.org/tm"
    )
    meeting.audience_members.add(member)
    AgendaItemFactory(meeting=meeting, time=time(10, 0), title="Begrüßung", speaker="Koordination")
    AgendaItemFactory(meeting=meeting, time=time(10, 30), title="Schrottexport und EU-Recht")
    return meeting


def _send(callbacks, operation, *args, **kwargs):
    with callbacks(execute=True):
        return operation(*args, **kwargs)


def _structure(message):
    """[content types of multipart/alternative], [attachments (type, filename)]."""
    assert message.get_content_type() == "multipart/mixed"
    children = list(message.iter_parts())
    alternative = children[0]
    assert alternative.get_content_type() == "multipart/alternative"
    return alternative, children[1:]


def _ics(part) -> Calendar:
    return Calendar.from_ical(part.get_content())


def _event(cal: Calendar):
    events = cal.walk("VEVENT")
    assert len(events) == 1
    return events[0]


def test_invitation_is_a_calendar_request_with_text_html_and_attachment(
    meeting, member, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.MEETINGS_ORGANIZER_EMAIL = "Koordination Thementisch <koordination@portal.example.org>"

    queued = _send(django_capture_on_commit_callbacks, services.send_invitations, meeting)

    assert queued == 1
    assert len(mailoutbox) == 1
    sent = mailoutbox[0]
    message = parse(sent)
    assert message["To"] == "Mira Schäfer <mira@example.com>"
    assert message["Subject"].startswith("Einladung: Plenum Kreislaufwirtschaft am ")
    assert message["Auto-Submitted"] == "auto-generated"
    alternative, attachments = _structure(message)
    parts = list(alternative.iter_parts())
    assert [p.get_content_type() for p in parts] == ["text/plain", "text/html", "text/calendar"]
    calendar_part = parts[-1]
    assert calendar_part.get_param("method") == "REQUEST"
    assert calendar_part.get_content_charset() == "utf-8"
    assert [(a.get_content_type(), a.get_filename()) for a in attachments] == [
        ("text/calendar", "invite.ics")
    ]
    assert attachments[0].get_param("method") == "REQUEST"
    assert_email_contains(sent, "Plenum Kreislaufwirtschaft")
    assert_email_contains(sent, "Schrottexport und EU-Recht")
    assert_email_contains(sent, "https://meet.example.org/tm")

    cal = _ics(calendar_part)
    assert str(cal["METHOD"]) == "REQUEST"
    assert str(cal["VERSION"]) == "2.0"
    assert "PRODID" in cal
    assert cal.get_missing_tzids() == set()
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Berlin"]
    event = _event(cal)
    assert str(event["UID"]) == meeting.ical_uid
    assert int(event["SEQUENCE"]) == 0
    assert str(event["SUMMARY"]) == "Plenum Kreislaufwirtschaft"
    assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert event["DTEND"].params["TZID"] == "Europe/Berlin"
    assert event.decoded("DTSTART") == meeting.starts_at
    assert event["DTSTAMP"].to_ical().decode().endswith("Z")
    assert str(event["URL"]) == f"https://portal.example.org/meetings/{meeting.pk}/"
    attendees = event.get("ATTENDEE")
    assert not isinstance(attendees, list), "exactly one ATTENDEE"
    assert str(attendees) == "mailto:mira@example.com"
    assert attendees.params["PARTSTAT"] == "NEEDS-ACTION"
    assert attendees.params["RSVP"] == "TRUE"
    assert str(event["ORGANIZER"]) == "mailto:koordination@portal.example.org"
    assert str(event["ORGANIZER"]) != str(attendees)
    assert _ics(attachments[0]).to_ical() == cal.to_ical()


def test_invitation_has_three_answer_links_in_text_and_html(
    meeting, mailoutbox, django_capture_on_commit_callbacks
):
    _send(django_capture_on_commit_callbacks, services.send_invitations, meeting)

    message = parse(mailoutbox[0])
    alternative, _attachments = _structure(message)
    text, html = (p.get_content() for p in list(alternative.iter_parts())[:2])
    answer_links = [url for url in links_in(text) if "/meetings/rsvp/" in url]
    assert len(answer_links) == 3
    for url in answer_links:
        assert url.replace("&", "&amp;") in html or url in html


def test_update_keeps_uid_and_raises_sequence(
    meeting, member, mailoutbox, django_capture_on_commit_callbacks
):
    _send(django_capture_on_commit_callbacks, services.send_invitations, meeting)
    meeting.starts_at += timedelta(hours=1)
    meeting.ends_at += timedelta(hours=1)
    meeting.venue = "Zeche Zollverein, Essen"
    meeting.save()
    assert services.revise_meeting(meeting, changed=["starts_at", "venue"]) is True
    meeting.refresh_from_db()
    assert meeting.sequence == 1

    _send(django_capture_on_commit_callbacks, services.send_update, meeting)

    assert len(mailoutbox) == 2
    first, update = (parse(m) for m in mailoutbox)
    assert update["Subject"].startswith("Geändert: Plenum Kreislaufwirtschaft")
    first_event = _event(_ics(list(_structure(first)[0].iter_parts())[-1]))
    update_part = list(_structure(update)[0].iter_parts())[-1]
    assert update_part.get_param("method") == "REQUEST"
    update_event = _event(_ics(update_part))
    assert str(update_event["UID"]) == str(first_event["UID"])
    assert int(update_event["SEQUENCE"]) == 1 > int(first_event["SEQUENCE"])
    assert update_event.decoded("DTSTART") == meeting.starts_at
    assert str(update_event["LOCATION"]).startswith("Zeche Zollverein, Essen")
    assert_email_contains(mailoutbox[1], "Zeche Zollverein, Essen")


def test_update_twice_without_change_raises_sequence_each_time(
    meeting, mailoutbox, django_capture_on_commit_callbacks
):
    _send(django_capture_on_commit_callbacks, services.send_invitations, meeting)

    _send(django_capture_on_commit_callbacks, services.send_update, meeting)
    _send(django_capture_on_commit_callbacks, services.send_update, meeting)

    sequences = [
        int(_event(_ics(list(_structure(parse(m))[0].iter_parts())[-1]))["SEQUENCE"])
        for m in mailoutbox
    ]
    assert sequences == [0, 1, 2]


def test_cancellation_is_method_cancel_with_same_uid(
    meeting, mailoutbox, django_capture_on_commit_callbacks
):
    _send(django_capture_on_commit_callbacks, services.send_invitations, meeting)

    _send(django_capture_on_commit_callbacks, services.cancel_meeting, meeting)
    _send(django_capture_on_commit_callbacks, services.cancel_meeting, meeting)

    assert len(mailoutbox) == 2
    cancel = parse(mailoutbox[1])
    assert cancel["Subject"].startswith("Abgesagt: Plenum Kreislaufwirtschaft")
    alternative, attachments = _structure(cancel)
    part = list(alternative.iter_parts())[-1]
    assert part.get_param("method") == "CANCEL"
    assert attachments[0].get_param("method") == "CANCEL"
    cal = _ics(part)
    assert str(cal["METHOD"]) == "CANCEL"
    event = _event(cal)
    assert str(event["UID"]) == meeting.ical_uid
    assert int(event["SEQUENCE"]) == 1
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["ATTENDEE"]) == "mailto:mira@example.com"
    assert "rsvp" not in mailoutbox[1].body


def test_guest_gets_the_same_invitation_without_member_links(
    meeting, mailoutbox, django_capture_on_commit_callbacks
):
    meeting.audience_members.clear()
    meeting.guest_emails = "Dr. Eva Beispiel <Eva@Ministerium.example>"
    meeting.save()

    _send(django_capture_on_commit_callbacks, services.send_invitations, meeting)

    invitation = Invitation.objects.get(meeting=meeting)
    assert invitation.user is None
    assert invitation.email == "eva@ministerium.example"
    message = parse(mailoutbox[0])
    assert message["To"] == '"Dr. Eva Beispiel" <eva@ministerium.example>'
    alternative, attachments = _structure(message)
    event = _event(_ics(list(alternative.iter_parts())[-1]))
    assert str(event["ATTENDEE"]) == "mailto:eva@ministerium.example"
    assert attachments[0].get_filename() == "invite.ics"
    text = next(iter(alternative.iter_parts())).get_content()
    assert len([u for u in links_in(text) if "/meetings/rsvp/" in u]) == 3
    assert f"/meetings/{meeting.pk}/" not in text.replace("/meetings/rsvp/", "")


def test_sending_again_invites_only_new_people(
    meeting, peer, mailoutbox, django_capture_on_commit_callbacks
):
    _send(django_capture_on_commit_callbacks, services.send_invitations, meeting)
    meeting.audience_members.add(peer)

    queued = _send(django_capture_on_commit_callbacks, services.send_invitations, meeting)

    assert queued == 1
    assert [parse(m)["To"] for m in mailoutbox] == [
        "Mira Schäfer <mira@example.com>",
        "Peter Paulsen <peter@example.com>",
    ]


def test_member_gets_invitation_in_english_when_chosen(
    meeting, member, mailoutbox, django_capture_on_commit_callbacks
):
    member.language = "en"
    member.save()

    _send(django_capture_on_commit_callbacks, services.send_invitations, meeting)

    assert parse(mailoutbox[0])["Subject"].startswith("Invitation: Plenum Kreislaufwirtschaft on ")


def test_dst_switch_day_converts_to_utc(member):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from sessions import calendar

    start = datetime(2026, 3, 29, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    meeting = MeetingFactory(starts_at=start, ends_at=start + timedelta(hours=2))
    invitation = Invitation.objects.create(meeting=meeting, user=member)

    cal = Calendar.from_ical(calendar.invitation_ics(meeting, invitation, method="REQUEST"))

    assert _event(cal).decoded("DTSTART").astimezone(UTC).hour == 8


def test_text_with_separators_round_trips_and_lines_are_folded(member):
    from sessions import calendar

    meeting = MeetingFactory(
        title="Förderanträge; Übersicht, Teil 2",
        description="Raum 3.14\n\n" + "Sehr langer Text über Schrott " * 10,
    )
    invitation = Invitation.objects.create(meeting=meeting, user=member)

    raw = calendar.invitation_ics(meeting, invitation, method="REQUEST")

    assert str(_event(Calendar.from_ical(raw))["SUMMARY"]) == "Förderanträge; Übersicht, Teil 2"
    lines = raw.encode().split(b"\r\n")
    assert all(len(line) <= 75 for line in lines)


def test_newlines_in_a_title_cannot_inject_headers(
    member, mailoutbox, django_capture_on_commit_callbacks
):
    meeting = MeetingFactory(title="Plenum\r\nBcc: angreifer@evil.example")
    meeting.audience_members.add(member)

    _send(django_capture_on_commit_callbacks, services.send_invitations, meeting)

    message = parse(mailoutbox[0])
    assert message["Bcc"] is None
    assert message["Subject"].startswith("Einladung: Plenum Bcc: angreifer@evil.example am ")
    assert [str(a) for a in message["To"].addresses] == ["Mira Schäfer <mira@example.com>"]
    assert len(mailoutbox[0].recipients()) == 1


def test_kept_vtimezone_is_the_one_icalendar_builds(meeting):
    """The VTIMEZONE built once per process equals add_missing_timezones' own, for
    every invitation: sharing it between calendars changes none of them."""
    from sessions import calendar

    invitation = Invitation.objects.create(meeting=meeting, user=meeting.audience_members.first())
    ours = [calendar.invitation_ics(meeting, invitation, method="REQUEST") for _ in range(2)]
    reference = calendar._calendar("REQUEST")
    reference.add_component(calendar.meeting_event(meeting, invitation=invitation))
    reference.add_missing_timezones()
    theirs = Calendar.from_ical(reference.to_ical())
    for ics in ours:
        cal = Calendar.from_ical(ics)
        assert cal.walk("VTIMEZONE")[0].to_ical() == theirs.walk("VTIMEZONE")[0].to_ical()
        assert [c.name for c in cal.subcomponents] == [c.name for c in theirs.subcomponents]
