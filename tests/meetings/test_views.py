"""The member's pages: list, meeting page with answers (htmx and without JS), calendars."""

from datetime import timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from sessions.models import Invitation, Meeting
from tests.conftest import client_for
from tests.factories import UserFactory
from tests.meetings.factories import AgendaItemFactory, InvitationFactory, MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting():
    return MeetingFactory(
        title="Workshop Aluminiumschrott", online_url="https://meet.example.org/alu", capacity=2
    )


@pytest.fixture
def invitation(meeting, member):
    return InvitationFactory(meeting=meeting, user=member)


def test_list_shows_upcoming_and_past_with_own_answer(member_client, member):
    upcoming = MeetingFactory(title="Plenum Frühjahr")
    past_start = timezone.now() - timedelta(days=30)
    MeetingFactory(
        title="Plenum Herbst", starts_at=past_start, ends_at=past_start + timedelta(hours=3)
    )
    MeetingFactory(title="Geheimer Entwurf", status=Meeting.Status.DRAFT)
    InvitationFactory(meeting=upcoming, user=member, response="maybe")

    html = member_client.get("/meetings/").content.decode()

    assert (
        html.index("Plenum Frühjahr")
        < html.index("Vergangene Sitzungen")
        < html.index("Plenum Herbst")
    )
    assert "Ihre Antwort: Vielleicht" in html
    assert "Geheimer Entwurf" not in html


def test_meeting_page_shows_agenda_online_link_and_answer_buttons_to_invitee(
    meeting, invitation, member_client
):
    AgendaItemFactory(meeting=meeting, title="Sortierung mit Röntgentechnik")

    html = member_client.get(f"/meetings/{meeting.pk}/").content.decode()

    assert "Sortierung mit Röntgentechnik" in html
    assert "https://meet.example.org/alu" in html
    assert 'name="response" value="yes"' in html
    assert f'hx-post="/meetings/{meeting.pk}/rsvp/"' in html


def test_meeting_page_hides_online_link_and_buttons_from_members_not_invited(meeting, peer):
    html = client_for(peer).get(f"/meetings/{meeting.pk}/").content.decode()

    assert "https://meet.example.org/alu" not in html
    assert 'name="response"' not in html
    assert "Sie sind zu dieser Sitzung nicht eingeladen." in html


def test_answer_without_javascript_redirects_with_message(meeting, invitation, member_client):
    response = member_client.post(f"/meetings/{meeting.pk}/rsvp/", {"response": "yes"}, follow=True)

    assert response.redirect_chain == [(f"/meetings/{meeting.pk}/", 302)]
    assert "Ihre Antwort wurde gespeichert: Zusage." in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.response == Invitation.Response.YES


def test_answer_with_htmx_returns_the_panel_only(meeting, invitation, member_client):
    response = member_client.post(
        f"/meetings/{meeting.pk}/rsvp/", {"response": "no"}, HTTP_HX_REQUEST="true"
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith('<section class="card mb-3" id="answer-panel"')
    assert "<html" not in html
    assert "Aktuelle Antwort: <strong>Absage</strong>" in html


def test_bad_answer_value_changes_nothing_and_explains(meeting, invitation, member_client):
    response = member_client.post(
        f"/meetings/{meeting.pk}/rsvp/", {"response": "certainly"}, HTTP_HX_REQUEST="true"
    )

    assert "Bitte wählen Sie eine der Antworten." in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.response == Invitation.Response.PENDING


def test_answer_after_deadline_is_refused_with_message(meeting, invitation, member_client):
    meeting.rsvp_deadline = timezone.now() - timedelta(minutes=1)
    meeting.save()

    response = member_client.post(f"/meetings/{meeting.pk}/rsvp/", {"response": "yes"}, follow=True)

    assert "Die Antwortfrist ist abgelaufen." in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.response == Invitation.Response.PENDING


def test_who_said_yes_respects_directory_visibility(meeting, member_client):
    listed = UserFactory(first_name="Lena", last_name="Sichtbar")
    hidden = UserFactory(first_name="Hugo", last_name="Versteckt", show_in_directory=False)
    for user in (listed, hidden):
        InvitationFactory(meeting=meeting, user=user, response="yes")
    InvitationFactory(meeting=meeting, email="gast@example.net", name="Gerd Gast", response="yes")

    html = member_client.get(f"/meetings/{meeting.pk}/").content.decode()

    assert "Lena Sichtbar" in html
    assert listed.organisation.name in html
    assert "Versteckt" not in html
    assert "Gerd Gast" not in html
    assert "und 2 weitere Personen, die nicht im Mitgliederverzeichnis stehen." in html


def test_invite_ics_download(meeting, invitation, member_client):
    response = member_client.get(f"/meetings/{meeting.pk}/invite.ics")

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    cal = Calendar.from_ical(response.content)
    event = cal.walk("VEVENT")[0]
    assert str(event["UID"]) == meeting.ical_uid
    assert "https://meet.example.org/alu" in str(event["LOCATION"])


def test_personal_feed_lists_invited_meetings_including_cancellations(member):
    invited = MeetingFactory(title="Plenum A")
    cancelled = MeetingFactory(title="Plenum B", status=Meeting.Status.CANCELLED)
    MeetingFactory(title="Nicht eingeladen")
    draft = MeetingFactory(title="Entwurf", status=Meeting.Status.DRAFT)
    for meeting in (invited, cancelled, draft):
        InvitationFactory(meeting=meeting, user=member)

    response = client_for(None).get(f"/meetings/feed/{member.feed_token}.ics")

    events = {
        str(e["SUMMARY"]): str(e["STATUS"])
        for e in Calendar.from_ical(response.content).walk("VEVENT")
    }
    assert events == {"Plenum A": "CONFIRMED", "Plenum B": "CANCELLED"}


def test_renewed_feed_token_makes_the_old_address_stop_working(member, member_client):
    old = member.feed_token

    member_client.post("/members/me/feed-token/")

    member.refresh_from_db()
    assert client_for(None).get(f"/meetings/feed/{old}.ics").status_code == 404
    assert client_for(None).get(f"/meetings/feed/{member.feed_token}.ics").status_code == 200


def test_profile_shows_the_calendar_subscription_address(member, member_client):
    html = member_client.get("/members/me/").content.decode()

    assert f"https://portal.example.org/meetings/feed/{member.feed_token}.ics" in html


def test_dashboard_shows_next_meetings_with_the_members_answer(member, member_client):
    soon = MeetingFactory(title="Plenum nächste Woche")
    InvitationFactory(meeting=soon, user=member, response="yes")
    MeetingFactory(title="Ohne Einladung")

    html = member_client.get("/").content.decode()

    assert "Ihre nächsten Sitzungen" in html
    assert "Plenum nächste Woche" in html
    assert "Ihre Antwort: Zusage" in html
    assert "Ohne Einladung" not in html


def test_search_finds_meetings_for_members(meeting, member_client):
    html = member_client.get("/search/?q=Aluminiumschrott").content.decode()

    assert f'href="/meetings/{meeting.pk}/"' in html


def test_personal_export_contains_own_answers(meeting, invitation, member_client):
    invitation.response = "yes"
    invitation.save()

    data = member_client.get("/members/me/export/").json()

    assert data["meetings"]["invitations"][0]["meeting"] == "Workshop Aluminiumschrott"
    assert data["meetings"]["invitations"][0]["answer"] == "yes"


def test_minutes_are_shown_to_members_once_sent(member_client):
    start = timezone.now() - timedelta(days=3)
    meeting = MeetingFactory(
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        minutes="Beschluss: **Positionspapier**",
    )

    before = member_client.get(f"/meetings/{meeting.pk}/").content.decode()
    meeting.minutes_published_at = timezone.now()
    meeting.save()
    after = member_client.get(f"/meetings/{meeting.pk}/").content.decode()

    assert "<strong>Positionspapier</strong>" not in before
    assert "<strong>Positionspapier</strong>" in after
