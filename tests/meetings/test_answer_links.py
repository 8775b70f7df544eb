"""Signed one-click answer links: GET confirms, POST records, bad links change nothing."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from sessions import tokens
from sessions.models import Invitation, Meeting
from tests.conftest import client_for
from tests.meetings.factories import InvitationFactory, MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting():
    return MeetingFactory(title="Workshop Schrottqualität")


@pytest.fixture
def invitation(meeting, member):
    return InvitationFactory(meeting=meeting, user=member)


def _path(url: str) -> str:
    return url.removeprefix("https://portal.example.org")


def test_get_shows_a_confirm_button_and_changes_nothing(invitation):
    response = Client().get(_path(tokens.answer_url(invitation, "yes")))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Bestätigen: Ja, ich nehme teil" in html
    assert '<form method="post">' in html
    invitation.refresh_from_db()
    assert invitation.response == Invitation.Response.PENDING


def test_post_records_the_answer_without_login(invitation):
    response = Client().post(_path(tokens.answer_url(invitation, "maybe")))

    assert response.status_code == 200
    assert "Ihre Antwort wurde gespeichert: Vielleicht." in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.response == Invitation.Response.MAYBE
    assert invitation.responded_at is not None


def test_guest_link_records_the_guest_answer(meeting):
    guest = InvitationFactory(meeting=meeting, email="gast@behoerde.example", name="Gabi Gast")

    response = Client().post(_path(tokens.answer_url(guest, "no")))

    assert response.status_code == 200
    guest.refresh_from_db()
    assert guest.response == Invitation.Response.NO


def test_tampered_link_changes_nothing_and_says_so(invitation):
    url = _path(tokens.answer_url(invitation, "no"))
    tampered = url[:-5] + ("A" if url[-5] != "A" else "B") + url[-4:]

    response = Client().post(tampered)

    assert response.status_code == 400
    assert "Dieser Antwortlink ist ungültig." in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.response == Invitation.Response.PENDING


def test_link_with_swapped_answer_in_payload_is_invalid(invitation):
    from django.core import signing

    forged = signing.dumps(
        {"i": invitation.pk, "m": invitation.meeting_id, "p": f"u{invitation.user_id}", "r": "no"},
        salt="another-salt",
    )

    response = Client().post(f"/meetings/rsvp/{forged}/")

    assert response.status_code == 400
    invitation.refresh_from_db()
    assert invitation.response == Invitation.Response.PENDING


def test_link_only_affects_its_own_invitation(invitation, meeting, peer):
    other = InvitationFactory(meeting=meeting, user=peer)

    Client().post(_path(tokens.answer_url(invitation, "yes")))

    other.refresh_from_db()
    assert other.response == Invitation.Response.PENDING


def test_other_members_link_does_not_change_anything_for_logged_in_member(invitation, peer):
    response = client_for(peer).post(_path(tokens.answer_url(invitation, "no")))

    assert response.status_code == 403
    assert "gehört zur Einladung einer anderen Person" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.response == Invitation.Response.PENDING


def test_link_of_a_reassigned_invitation_is_invalid(invitation, peer):
    url = _path(tokens.answer_url(invitation, "yes"))
    Invitation.objects.filter(pk=invitation.pk).update(user=peer)

    response = Client().post(url)

    assert response.status_code == 400


def test_link_after_the_deadline_changes_nothing(meeting, invitation):
    meeting.rsvp_deadline = meeting.starts_at - timedelta(days=2)
    meeting.save()
    url = _path(tokens.answer_url(invitation, "yes"))

    with time_machine.travel(meeting.starts_at - timedelta(days=1)):
        response = Client().post(url)

    assert response.status_code == 410
    assert "Die Antwortfrist ist abgelaufen" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.response == Invitation.Response.PENDING


def test_link_after_the_meeting_has_expired(meeting, invitation):
    url = _path(tokens.answer_url(invitation, "yes"))

    with time_machine.travel(meeting.ends_at + timedelta(hours=1)):
        response = Client().post(url)

    assert response.status_code == 410
    assert "Dieser Antwortlink ist abgelaufen: Die Sitzung ist vorbei." in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.response == Invitation.Response.PENDING


def test_link_of_a_cancelled_meeting_changes_nothing(meeting, invitation):
    url = _path(tokens.answer_url(invitation, "yes"))
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.CANCELLED)

    response = Client().post(url)

    assert response.status_code == 410
    assert "Diese Sitzung wurde abgesagt" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.response == Invitation.Response.PENDING


def test_answer_can_be_changed_with_another_link_before_the_deadline(invitation):
    client = Client()
    client.post(_path(tokens.answer_url(invitation, "yes")))

    client.post(_path(tokens.answer_url(invitation, "no")))

    invitation.refresh_from_db()
    assert invitation.response == Invitation.Response.NO
    assert timezone.now() - invitation.responded_at < timedelta(minutes=1)


def test_answer_urls_are_the_links_answer_url_makes(invitation):
    with time_machine.travel(timezone.now(), tick=False):
        urls = tokens.answer_urls(invitation)
        expected = {answer: tokens.answer_url(invitation, answer) for answer in tokens.ANSWERS}

    assert urls == expected
    assert list(urls) == ["yes", "no", "maybe"]
