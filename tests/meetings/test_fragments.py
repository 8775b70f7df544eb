"""The meeting page keeps its attendee list and times as fragments: every change shows.

Each test shows the page once (so the fragments are cached), changes one
value the fragment shows, and looks for the new value.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from members.models import User
from tests.conftest import client_for
from tests.factories import OrganisationFactory, UserFactory
from tests.meetings.factories import InvitationFactory, MeetingFactory

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
