"""The mails of many invitees built from shared parts equal those built one by one.

`MeetingMails` renders the text once per language and kind of invitee and
fills in each invitee's values; `calendar.InvitationCalendar` serialises the
calendar around each ATTENDEE line once. The references here are built the
plain way: the templates rendered with each invitee's own context, the whole
calendar serialised by icalendar.
"""

from datetime import time

import pytest
import time_machine
from django.utils import timezone
from icalendar import Calendar

from sessions import calendar, services, tokens
from sessions.models import Invitation
from tests.factories import UserFactory
from tests.meetings.factories import AgendaItemFactory, MeetingFactory
from thementisch import mail

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting():
    meeting = MeetingFactory(
        title="Plenum: Schrott, Stahl & „Recycling“ <2027>",
        description="Wir besprechen **Sekundärrohstoffe**; Ort: Raum 3.",
        online_url="https://meet.example.org/tm?a=1&b=2",
        sequence=2,
    )
    AgendaItemFactory(meeting=meeting, time=time(10, 0), title="Begrüßung", speaker="Koordination")
    AgendaItemFactory(meeting=meeting, title="EU-Recht & Schrottexport")
    return meeting


@pytest.fixture
def invitations(meeting):
    """Invitees of every kind the mails branch on, with names that need escaping and folding."""
    people = [
        UserFactory(first_name="Jürgen", last_name="Groß", language="de"),
        UserFactory(first_name="Ann <b>&", last_name='"Quote" O\'Neil', language="en"),
        UserFactory(first_name="", last_name="Ohnevorname", language="de"),
        UserFactory(
            first_name="Maximiliane", last_name="Sehr-Lang, Doppelname; " * 4, language="en"
        ),
        UserFactory(first_name="Jürgen", last_name="Zweiter", language="de"),
    ]
    rows = [
        Invitation(meeting=meeting, user=person, response=response)
        for person, response in zip(
            people, ["pending", "yes", "no", "maybe", "waitlisted"], strict=True
        )
    ]
    rows += [
        Invitation(meeting=meeting, email="gast@example.net", name="Gäste & Co <x>\nZeile 2"),
        Invitation(meeting=meeting, email="ohne.name@example.net", name=""),
    ]
    for row in rows:
        row.save()
    return list(Invitation.objects.filter(meeting=meeting).select_related("user").order_by("pk"))


def _reference_ics(meeting, invitation, *, method, agenda, stamp) -> str:
    cal = calendar._calendar(method)
    cal.add_component(
        calendar.meeting_event(
            meeting,
            invitation=invitation,
            cancelled=method == "CANCEL",
            agenda=agenda,
            stamp=stamp,
        )
    )
    cal.add_missing_timezones()
    return cal.to_ical().decode()


def _reference_row(meeting, invitation, *, template, agenda, answer_links, key):
    """The row as one invitee's own rendering gives it (the way before MeetingMails)."""
    context = {
        "meeting": meeting,
        "invitation": invitation,
        "agenda": agenda,
        "name": invitation.user.first_name if invitation.user_id else invitation.name,
        "is_guest": invitation.is_guest,
        "meeting_url": mail.absolute_url(meeting.get_absolute_url()),
    }
    if answer_links:
        context["answer_urls"] = tokens.answer_urls(invitation)
    language = (invitation.user.language if invitation.user_id else "") or "de"
    return mail.build_email(
        key=key,
        to=invitation.address,
        to_name=invitation.display_name,
        recipient=invitation.user,
        language=language,
        template=template,
        context=context,
        topic=meeting.topic,
    )


FIELDS = (
    "key",
    "topic",
    "template",
    "recipient_id",
    "to_email",
    "to_name",
    "from_email",
    "subject",
    "body_text",
    "body_html",
    "headers",
    "language",
)


@pytest.mark.parametrize("method", ["REQUEST", "CANCEL"])
def test_invitation_calendar_is_the_calendar_icalendar_serialises(meeting, invitations, method):
    agenda = list(meeting.agenda_items.all())
    stamp = timezone.now()
    shared = calendar.InvitationCalendar(meeting, method=method, agenda=agenda, stamp=stamp)

    ours = [shared.ics(invitation) for invitation in invitations]

    theirs = [
        _reference_ics(meeting, invitation, method=method, agenda=agenda, stamp=stamp)
        for invitation in invitations
    ]
    assert ours == theirs
    # Each lists its own invitee, and only them.
    attendees = [str(Calendar.from_ical(ics).walk("VEVENT")[0]["ATTENDEE"]) for ics in ours]
    assert attendees == [f"mailto:{invitation.address}" for invitation in invitations]


@pytest.mark.parametrize(
    ("kind", "method"), [("invite", "REQUEST"), ("update", "REQUEST"), ("cancel", "CANCEL")]
)
def test_mails_built_together_equal_mails_built_one_by_one(meeting, invitations, kind, method):
    agenda = list(meeting.agenda_items.all())
    template = services.TEMPLATES[kind][0]
    with time_machine.travel(timezone.now(), tick=False):
        stamp = timezone.now()
        mails = services.MeetingMails(meeting, agenda=agenda)
        ours = [mails.revision(invitation, kind=kind) for invitation in invitations]
        theirs = [
            _reference_row(
                meeting,
                invitation,
                template=template,
                agenda=agenda,
                answer_links=method == "REQUEST",
                key=row.key,
            )
            for invitation, row in zip(invitations, ours, strict=True)
        ]

    for invitation, row, reference in zip(invitations, ours, theirs, strict=True):
        assert {f: getattr(row, f) for f in FIELDS} == {f: getattr(reference, f) for f in FIELDS}
        ics = _reference_ics(meeting, invitation, method=method, agenda=agenda, stamp=stamp)
        assert row.parts == [
            {
                "mimetype": "text/calendar",
                "method": method,
                "content": ics,
                "alternative": True,
                "filename": "invite.ics",
            }
        ]
    # Both languages, both kinds of invitee, the escaping: really exercised.
    assert {row.language for row in ours} == {"de", "en"}
    assert "Hallo Jürgen," in ours[0].body_text
    assert "Hello Ann &lt;b&gt;&amp;," in ours[1].body_html
    assert "Hello Ann <b>&," in ours[1].body_text
    assert "Gäste &amp; Co &lt;x&gt;\nZeile 2" in ours[5].body_html
    prefix = services.TEMPLATES[kind][2]
    assert ours[0].key == f"{prefix}:meeting:{meeting.pk}:user:{invitations[0].user_id}:seq:2"


@pytest.mark.parametrize(
    ("template", "answer_links"),
    [
        ("meeting_rsvp_reminder", True),
        ("meeting_reminder", False),
        ("meeting_minutes", False),
        ("meeting_waitlist_promoted", False),
    ],
)
def test_reminders_and_minutes_equal_mails_built_one_by_one(
    meeting, invitations, template, answer_links
):
    agenda = list(meeting.agenda_items.all())
    with time_machine.travel(timezone.now(), tick=False):
        mails = services.MeetingMails(meeting, agenda=agenda)
        ours = [
            mails.email(invitation, key=f"k{n}", template=template, answer_links=answer_links)
            for n, invitation in enumerate(invitations)
        ]
        theirs = [
            _reference_row(
                meeting,
                invitation,
                template=template,
                agenda=agenda,
                answer_links=answer_links,
                key=f"k{n}",
            )
            for n, invitation in enumerate(invitations)
        ]

    for row, reference in zip(ours, theirs, strict=True):
        assert {f: getattr(row, f) for f in FIELDS} == {f: getattr(reference, f) for f in FIELDS}
