"""The meeting page keeps its parts as fragments (`sessions.detail_parts`): every change shows.

Each test shows the page once (so the fragments are cached), changes one
value a fragment shows, and looks for the new value.
"""

from datetime import time, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from barriers.models import Barrier
from members.models import User
from pilots.models import PilotProject
from sessions.models import AgendaItem, Document, Invitation, Meeting
from tests.conftest import client_for
from tests.factories import BarrierFactory, OrganisationFactory, UserFactory
from tests.meetings.factories import AgendaItemFactory, InvitationFactory, MeetingFactory
from tests.pilots.factories import PilotFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting():
    return MeetingFactory(title="Plenum Kreislaufwirtschaft", capacity=10)


@pytest.fixture
def attendee(meeting):
    user = UserFactory(
        first_name="Lena",
        last_name="Sichtbar",
        organisation=OrganisationFactory(name="Alu Hütte GmbH", slug="alu-huette"),
    )
    InvitationFactory(meeting=meeting, user=user, response="yes")
    return user


def _page(client, meeting) -> str:
    response = client.get(f"/meetings/{meeting.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_attendee_name_change_shows(meeting, attendee, member_client):
    assert "Lena Sichtbar" in _page(member_client, meeting)

    User.objects.filter(pk=attendee.pk).update(first_name="Leni", last_name="Neu")

    html = _page(member_client, meeting)
    assert "Leni Neu" in html
    assert "Lena Sichtbar" not in html


def test_attendee_without_name_shows_the_email_and_its_change(meeting, attendee, member_client):
    User.objects.filter(pk=attendee.pk).update(first_name="", last_name="")
    assert "person" in _page(member_client, meeting)  # the factory's address

    User.objects.filter(pk=attendee.pk).update(email="lena.neu@example.org")

    assert "lena.neu@example.org" in _page(member_client, meeting)


def test_attendee_organisation_name_and_address_changes_show(meeting, attendee, member_client):
    html = _page(member_client, meeting)
    assert 'href="/organisations/alu-huette/">Alu Hütte GmbH</a>' in html

    organisation = attendee.organisation
    organisation.name = "Kupferwerk AG"
    organisation.slug = "kupferwerk"
    organisation.save()

    assert 'href="/organisations/kupferwerk/">Kupferwerk AG</a>' in _page(member_client, meeting)


def test_attendee_leaving_the_organisation_shows(meeting, attendee, member_client):
    _page(member_client, meeting)

    User.objects.filter(pk=attendee.pk).update(organisation=None)

    html = _page(member_client, meeting)
    assert "Lena Sichtbar</li>" in html
    assert "Alu Hütte GmbH" not in html


def test_attendee_hidden_from_directory_or_saying_no_leaves_the_list(
    meeting, attendee, member_client
):
    other = UserFactory(first_name="Otto", last_name="Zweiter")
    invitation = InvitationFactory(meeting=meeting, user=other, response="yes")
    _page(member_client, meeting)

    User.objects.filter(pk=attendee.pk).update(show_in_directory=False)
    html = _page(member_client, meeting)
    assert "Sichtbar" not in html
    assert "Otto Zweiter" in html
    assert "und 1 weitere Person, die nicht im Mitgliederverzeichnis steht." in html

    invitation.response = "no"
    invitation.save()
    html = _page(member_client, meeting)
    assert "Otto Zweiter" not in html
    assert "1 Person hat zugesagt." in html


def test_places_taken_and_own_answer_follow_the_answers(meeting, attendee, member, member_client):
    mine = InvitationFactory(meeting=meeting, user=member, response="pending")
    html = _page(member_client, meeting)
    assert "1 von 10 Plätzen belegt" in html

    mine.response = "yes"
    mine.save()

    html = _page(member_client, meeting)
    assert "2 von 10 Plätzen belegt" in html
    assert "Mira Schäfer" in html


def test_time_change_shows(meeting, member_client):
    _page(member_client, meeting)
    start = timezone.localtime(meeting.starts_at).replace(hour=9, minute=30) + timedelta(days=3)
    meeting.starts_at = start
    meeting.ends_at = start + timedelta(hours=2)
    meeting.save()

    html = _page(member_client, meeting)
    assert html.count(f'<time datetime="{start.isoformat()}">') == 2
    assert html.count(", 09:30</time>") == 2


def test_viewer_values_stay_per_viewer(meeting, attendee, member, peer):
    InvitationFactory(meeting=meeting, user=member, response="yes")
    meeting.online_url = "https://meet.example.org/plenum"
    meeting.save()

    invited = _page(client_for(member), meeting)
    not_invited = _page(client_for(peer), meeting)

    assert "https://meet.example.org/plenum" in invited
    assert 'name="response"' in invited
    assert "https://meet.example.org/plenum" not in not_invited
    assert 'name="response"' not in not_invited


def _changed(client, meeting, change, *, shows: list[str], gone: list[str] = ()) -> str:
    """Show the page, apply `change`, show it again: `shows` are there, `gone` are not."""
    before = _page(client, meeting)
    for text in gone:
        assert text in before, text
    change()
    html = _page(client, meeting)
    for text in shows:
        assert text in html, text
    for text in gone:
        assert text not in html, text
    return html


def _update(model, pk, **values):
    return lambda: model.objects.filter(pk=pk).update(**values)


# --- head: title, kind, status -------------------------------------------------------


def test_title_change_shows_in_heading_and_breadcrumb(meeting, member_client):
    html = _changed(
        member_client,
        meeting,
        _update(Meeting, meeting.pk, title="Werkstattgespräch Schrott"),
        shows=["<h1>Werkstattgespräch Schrott</h1>"],
        gone=["Plenum Kreislaufwirtschaft"],
    )
    assert 'aria-current="page">Werkstattgespräch Schrott</li>' in html


def test_kind_change_shows(meeting, member_client):
    _changed(
        member_client,
        meeting,
        _update(Meeting, meeting.pk, kind=Meeting.Kind.SITE_VISIT),
        shows=['<p class="page-lead">Vor-Ort-Besuch · '],
    )


def test_cancelling_shows_badge_and_notice(meeting, member_client):
    _changed(
        member_client,
        meeting,
        _update(Meeting, meeting.pk, status=Meeting.Status.CANCELLED),
        shows=[
            '<span class="badge text-bg-danger">Abgesagt</span>',
            "Diese Sitzung wurde abgesagt.",
        ],
    )


# --- main column: description, agenda, minutes, documents ----------------------------


def test_description_change_shows(meeting, member_client):
    _changed(
        member_client,
        meeting,
        _update(Meeting, meeting.pk, description="Neu: **Schrottexport**"),
        shows=["Neu: <strong>Schrottexport</strong>"],
        gone=["<strong>Sekundärrohstoffe</strong>"],
    )


def test_agenda_item_changes_show(meeting, member_client):
    item = AgendaItemFactory(meeting=meeting, title="Begrüßung", speaker="Vorsitz")
    _changed(
        member_client,
        meeting,
        _update(AgendaItem, item.pk, title="Einführung", speaker="Koordination", time=time(9, 45)),
        shows=["<strong>09:45</strong> – Einführung", "(Koordination)"],
        gone=["Begrüßung", "(Vorsitz)"],
    )


def test_agenda_items_added_and_removed_show(meeting, member_client):
    _changed(
        member_client,
        meeting,
        lambda: AgendaItemFactory(meeting=meeting, title="Neuer Punkt"),
        shows=["Neuer Punkt"],
        gone=["Die Tagesordnung folgt."],
    )
    _changed(
        member_client,
        meeting,
        lambda: AgendaItem.objects.filter(meeting=meeting).delete(),
        shows=["Die Tagesordnung folgt."],
        gone=["Neuer Punkt"],
    )


def test_linked_barrier_and_pilot_titles_show(meeting, member_client):
    barrier = BarrierFactory(title="Hemmnis Altfassung")
    pilot = PilotFactory(title="Pilot Altfassung")
    AgendaItemFactory(meeting=meeting, barrier=barrier, pilot=pilot)
    html = _changed(
        member_client,
        meeting,
        lambda: (
            Barrier.objects.filter(pk=barrier.pk).update(title="Hemmnis Neufassung"),
            PilotProject.objects.filter(pk=pilot.pk).update(title="Pilot Neufassung"),
        ),
        shows=["Hemmnis Neufassung", "Pilot Neufassung"],
        gone=["Hemmnis Altfassung", "Pilot Altfassung"],
    )
    assert f'<a href="/barriers/{barrier.pk}/">Hemmnis Neufassung</a>' in html
    assert f'<a href="/pilots/{pilot.pk}/">Pilot Neufassung</a>' in html


def test_agenda_outcome_shows(meeting, member_client):
    item = AgendaItemFactory(meeting=meeting)
    _changed(
        member_client,
        meeting,
        _update(AgendaItem, item.pk, outcome="Beschluss gefasst"),
        shows=["<strong>Ergebnis:</strong> Beschluss gefasst"],
    )


def test_minutes_show_once_published_and_to_the_coordinator_before(
    meeting, member_client, coordinator
):
    Meeting.objects.filter(pk=meeting.pk).update(minutes="Wir haben *entschieden*.")
    coordinator_client = client_for(coordinator)
    assert "<em>entschieden</em>" not in _page(member_client, meeting)
    assert "<em>entschieden</em>" in _page(coordinator_client, meeting)

    _changed(
        member_client,
        meeting,
        _update(Meeting, meeting.pk, minutes_published_at=timezone.now()),
        shows=['id="minutes-heading">Protokoll</h2>', "<em>entschieden</em>"],
    )
    _changed(
        coordinator_client,
        meeting,
        _update(Meeting, meeting.pk, minutes="Wir haben *vertagt*."),
        shows=["<em>vertagt</em>"],
        gone=["<em>entschieden</em>"],
    )


def test_document_changes_show(meeting, member_client):
    document = Document.objects.create(
        meeting=meeting,
        title="Folien Vormittag",
        kind=Document.Kind.SLIDES,
        file=SimpleUploadedFile("vormittag.pdf", b"%PDF-1.4"),
        original_name="vormittag.pdf",
        size=2048,
    )
    html = _changed(
        member_client,
        meeting,
        _update(
            Document,
            document.pk,
            title="Protokoll Vormittag",
            kind=Document.Kind.MINUTES,
            original_name="protokoll.pdf",
            size=3 * 1024 * 1024,
        ),
        shows=["Protokoll Vormittag</a>", "(Protokoll, protokoll.pdf, 3,0"],
        gone=["Folien Vormittag", "vormittag.pdf"],
    )
    assert f'href="/meetings/{meeting.pk}/documents/{document.pk}/"' in html
    _changed(
        member_client,
        meeting,
        lambda: Document.objects.filter(pk=document.pk).delete(),
        shows=["Noch keine Dokumente."],
        gone=["Protokoll Vormittag"],
    )


# --- time and place --------------------------------------------------------------------


def test_venue_and_capacity_changes_show(meeting, member_client):
    _changed(
        member_client,
        meeting,
        _update(Meeting, meeting.pk, venue="Zeche Zollverein", capacity=25),
        shows=["Zeche Zollverein", "0 von 25 Plätzen belegt"],
        gone=["Haus der Technik", "0 von 10 Plätzen belegt"],
    )


def test_waiting_list_count_shows(meeting, attendee, member_client):
    waiting = InvitationFactory(meeting=meeting, user=UserFactory(), response="yes")
    _changed(
        member_client,
        meeting,
        _update(Invitation, waiting.pk, response=Invitation.Response.WAITLISTED),
        shows=["1 von 10 Plätzen belegt, 1 auf der Warteliste."],
        gone=["2 von 10 Plätzen belegt"],
    )


def test_online_link_change_shows_to_the_invited(meeting, member, member_client):
    InvitationFactory(meeting=meeting, user=member)
    Meeting.objects.filter(pk=meeting.pk).update(online_url="https://meet.example.org/alt")
    _changed(
        member_client,
        meeting,
        _update(Meeting, meeting.pk, online_url="https://meet.example.org/neu"),
        shows=['<a href="https://meet.example.org/neu" rel="noopener noreferrer">'],
        gone=["https://meet.example.org/alt"],
    )
