"""The list and the meeting page load with a fixed number of queries."""

import re
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from members.models import User
from sessions import selectors
from sessions.models import Document, Invitation
from tests.conftest import client_for
from tests.factories import OrganisationFactory, UserFactory
from tests.meetings.factories import AgendaItemFactory, InvitationFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def _past(**kwargs):
    start = timezone.now() - timedelta(days=20)
    return MeetingFactory(starts_at=start, ends_at=start + timedelta(hours=2), **kwargs)


@pytest.mark.parametrize("count", [1, 3])
def test_meeting_list_query_count_is_fixed(count, member, member_client, django_assert_num_queries):
    for _ in range(count):
        InvitationFactory(meeting=MeetingFactory(), user=member, response="yes")
        _past()
    member_client.get("/meetings/")  # warm the session and caches

    # session, user, upcoming (with answer), past count, past page
    with django_assert_num_queries(5):
        response = member_client.get("/meetings/")

    assert response.status_code == 200
    assert response.content.decode().count('class="card mb-2"') == 2 * count


def _invite_many(meeting, count: int) -> None:
    organisations = [OrganisationFactory() for _ in range(5)]
    users = User.objects.bulk_create(
        [
            User(
                email=f"teilnehmer{n}@example.com",
                first_name="Tina",
                last_name=f"Teilnehmer{n:03d}",
                organisation=organisations[n % 5],
                status=User.Status.APPROVED,
                show_in_directory=n % 4 != 0,
            )
            for n in range(count)
        ]
    )
    responses = ["yes", "no", "maybe", "pending"]
    Invitation.objects.bulk_create(
        [
            Invitation(meeting=meeting, user=user, response=responses[n % 4], sequence_sent=0)
            for n, user in enumerate(users)
        ]
    )


@pytest.mark.parametrize("invitations", [1, 300])
def test_meeting_page_query_count_does_not_grow_with_invitations(
    invitations, member, member_client, django_assert_num_queries
):
    meeting = MeetingFactory()
    AgendaItemFactory.create_batch(3, meeting=meeting)
    _document(meeting)
    InvitationFactory(meeting=meeting, user=member, response="yes")
    _invite_many(meeting, invitations)
    member_client.get(f"/meetings/{meeting.pk}/")

    # session, user, meeting (with the own invitation and whether agenda and
    # documents exist), answer counts, agenda (with barrier and pilot),
    # documents, those who said yes and are listed in the directory
    with django_assert_num_queries(7):
        response = member_client.get(f"/meetings/{meeting.pk}/")

    assert response.status_code == 200


def test_meeting_page_without_agenda_and_documents_does_not_ask_for_them(
    member_client, django_assert_num_queries
):
    meeting = MeetingFactory()
    member_client.get(f"/meetings/{meeting.pk}/")

    with django_assert_num_queries(5):
        response = member_client.get(f"/meetings/{meeting.pk}/")

    html = response.content.decode()
    assert "Die Tagesordnung folgt." in html
    assert "Noch keine Dokumente." in html


def test_meeting_page_reads_the_own_invitation_and_every_answer(member, peer):
    meeting = MeetingFactory()
    own = InvitationFactory(meeting=meeting, user=member, response="maybe")
    InvitationFactory(meeting=meeting, user=peer, response="yes")
    InvitationFactory(meeting=meeting, email="gast@example.net", name="Gast", response="yes")
    AgendaItemFactory(meeting=meeting)

    page = selectors.meeting_page(meeting.pk, member)

    assert (page.meeting.pk, page.meeting.title) == (meeting.pk, meeting.title)
    assert (page.has_agenda, page.has_documents) == (True, False)
    assert (page.invitation.pk, page.invitation.response) == (own.pk, "maybe")
    assert page.invitation.created_at == own.created_at  # other fields load on first access
    assert selectors.meeting_page(meeting.pk, UserFactory()).invitation is None
    assert selectors.meeting_page(meeting.pk + 1000, member) is None
    counts = selectors.answer_counts(meeting)
    assert counts == {"pending": 0, "yes": 2, "no": 0, "maybe": 1, "waitlisted": 0, "total": 3}
    assert counts == selectors.response_counts(meeting)


def test_meeting_page_reads_the_same_with_the_orm(member, coordinator, monkeypatch):
    """Other databases than PostgreSQL read the page with the ORM: same page."""
    meeting = MeetingFactory(minutes="Ergebnisse", capacity=50)
    AgendaItemFactory.create_batch(2, meeting=meeting, speaker="Frau Rede")
    _document(meeting)
    InvitationFactory(meeting=meeting, user=member, response="yes")
    _invite_many(meeting, 12)
    pages = {}
    for vendor in ("postgresql", "other"):
        if vendor == "other":
            monkeypatch.setattr(connection, "vendor", vendor)
        caches["fragments"].clear()
        pages[vendor] = [
            _without_csrf_tokens(client_for(user).get(f"/meetings/{meeting.pk}/"))
            for user in (member, coordinator)
        ]

    assert pages["other"] == pages["postgresql"]
    member_page = pages["other"][0]
    assert "Mira Schäfer" in member_page
    assert "und 3 weitere Personen, die nicht im Mitgliederverzeichnis stehen." in member_page
    assert "4 von 50 Plätzen belegt" in member_page
    assert member_page.count("Frau Rede") == 2


def _without_csrf_tokens(response) -> str:
    html = response.content.decode()
    return re.sub(r"[A-Za-z0-9]{64}", "TOKEN", html)


def _document(meeting) -> Document:
    return Document.objects.create(
        meeting=meeting,
        title="Folien",
        kind=Document.Kind.SLIDES,
        file=SimpleUploadedFile("folien.pdf", b"%PDF-1.4"),
        original_name="folien.pdf",
        size=8,
    )
