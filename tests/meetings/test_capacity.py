"""Capacity and waiting list: order, promotion with an email, and the race on PostgreSQL."""

import threading

import pytest
from django.db import connection

from sessions import services
from sessions.models import Invitation
from tests.factories import UserFactory
from tests.helpers import assert_email_contains, parse, require_postgres
from tests.meetings.factories import InvitationFactory, MeetingFactory

Response = Invitation.Response


@pytest.mark.django_db
def test_yes_beyond_capacity_goes_onto_the_waiting_list_in_order():
    meeting = MeetingFactory(capacity=1)
    first, second, third = (
        InvitationFactory(meeting=meeting, user=UserFactory()) for _ in range(3)
    )

    for invitation in (first, second, third):
        services.answer(invitation, "yes")

    states = dict(Invitation.objects.values_list("pk", "response"))
    assert states == {first.pk: "yes", second.pk: "waitlisted", third.pk: "waitlisted"}


@pytest.mark.django_db
def test_cancel_promotes_the_first_on_the_waiting_list_and_emails_them(
    member, peer, mailoutbox, django_capture_on_commit_callbacks
):
    meeting = MeetingFactory(title="Werksbesuch Schmelze", capacity=1)
    confirmed = InvitationFactory(meeting=meeting, user=UserFactory())
    waiting_first = InvitationFactory(meeting=meeting, user=member)
    waiting_second = InvitationFactory(meeting=meeting, user=peer)
    for invitation in (confirmed, waiting_first, waiting_second):
        services.answer(invitation, "yes")

    with django_capture_on_commit_callbacks(execute=True):
        services.answer(confirmed, "no")

    states = dict(Invitation.objects.values_list("pk", "response"))
    assert states == {confirmed.pk: "no", waiting_first.pk: "yes", waiting_second.pk: "waitlisted"}
    assert [parse(m)["To"] for m in mailoutbox] == ["Mira Schäfer <mira@example.com>"]
    assert_email_contains(mailoutbox[0], "Werksbesuch Schmelze")
    assert_email_contains(mailoutbox[0], "Ein Platz ist für Sie frei geworden")


@pytest.mark.django_db
def test_promoted_guest_is_emailed_directly(mailoutbox, django_capture_on_commit_callbacks):
    meeting = MeetingFactory(title="Webinar Ökodesign", capacity=1)
    confirmed = InvitationFactory(meeting=meeting, user=UserFactory())
    guest = InvitationFactory(meeting=meeting, email="gast@example.net", name="Gabi Gast")
    services.answer(confirmed, "yes")
    services.answer(guest, "yes")

    with django_capture_on_commit_callbacks(execute=True):
        services.answer(confirmed, "maybe")

    guest.refresh_from_db()
    assert guest.response == Response.YES
    assert len(mailoutbox) == 1
    assert parse(mailoutbox[0])["Subject"] == "Ihr Platz ist bestätigt: Webinar Ökodesign"


@pytest.mark.django_db
def test_raising_the_capacity_moves_people_up(django_capture_on_commit_callbacks):
    meeting = MeetingFactory(capacity=1)
    invitations = [InvitationFactory(meeting=meeting, user=UserFactory()) for _ in range(3)]
    for invitation in invitations:
        services.answer(invitation, "yes")

    with django_capture_on_commit_callbacks(execute=True):
        promoted = services.set_capacity(meeting, 2)

    assert [i.pk for i in promoted] == [invitations[1].pk]
    assert Invitation.objects.filter(response=Response.YES).count() == 2


@pytest.mark.django_db
def test_waitlisted_person_saying_no_leaves_the_list():
    meeting = MeetingFactory(capacity=1)
    first, second = (InvitationFactory(meeting=meeting, user=UserFactory()) for _ in range(2))
    services.answer(first, "yes")
    services.answer(second, "yes")

    services.answer(second, "no")

    second.refresh_from_db()
    assert (second.response, second.waitlisted_at) == (Response.NO, None)


@pytest.mark.django_db(transaction=True)
def test_fifty_simultaneous_yes_answers_for_ten_places_on_postgresql():
    require_postgres()
    meeting = MeetingFactory(capacity=10)
    users = UserFactory.create_batch(50)
    invitations = [Invitation(meeting=meeting, user=user, sequence_sent=0) for user in users]
    Invitation.objects.bulk_create(invitations)
    ids = list(Invitation.objects.filter(meeting=meeting).values_list("pk", flat=True))
    start = threading.Barrier(50)
    errors: list[Exception] = []

    def answer_yes(pk: int) -> None:
        try:
            invitation = Invitation.objects.get(pk=pk)
            start.wait(timeout=30)
            services.answer(invitation, "yes")
        except Exception as error:  # noqa: BLE001 -- collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=answer_yes, args=(pk,)) for pk in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    counts = {
        value: Invitation.objects.filter(meeting=meeting, response=value).count()
        for value in ("yes", "waitlisted", "pending")
    }
    assert counts == {"yes": 10, "waitlisted": 40, "pending": 0}
    waiting = list(
        Invitation.objects.filter(meeting=meeting, response="waitlisted").values_list(
            "waitlisted_at", flat=True
        )
    )
    assert all(waiting)
