"""The list and the meeting page load with a fixed number of queries."""

from datetime import timedelta

import pytest
from django.utils import timezone

from members.models import User
from sessions import selectors
from sessions.models import Invitation
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
    InvitationFactory(meeting=meeting, user=member, response="yes")
    _invite_many(meeting, invitations)
    member_client.get(f"/meetings/{meeting.pk}/")

    # session, user, meeting, agenda (with barrier and pilot), documents,
    # answer counts with the own invitation, who said yes, those of them
    # listed in the directory (with organisations)
    with django_assert_num_queries(8):
        response = member_client.get(f"/meetings/{meeting.pk}/")

    assert response.status_code == 200


def test_answers_for_page_counts_every_answer_and_finds_the_own_invitation(member, peer):
    meeting = MeetingFactory()
    own = InvitationFactory(meeting=meeting, user=member, response="maybe")
    InvitationFactory(meeting=meeting, user=peer, response="yes")
    InvitationFactory(meeting=meeting, email="gast@example.net", name="Gast", response="yes")

    counts, invitation = selectors.answers_for_page(meeting, member)

    assert counts == {"pending": 0, "yes": 2, "no": 0, "maybe": 1, "waitlisted": 0, "total": 3}
    assert counts == selectors.response_counts(meeting)
    assert (invitation.pk, invitation.response) == (own.pk, "maybe")
    assert invitation.created_at == own.created_at  # other fields load on first access
    assert selectors.answers_for_page(meeting, UserFactory())[1] is None
