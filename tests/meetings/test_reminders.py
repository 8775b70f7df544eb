"""Reminders: before the answer deadline to non-responders, 24 h before to yes/maybe; once."""

import io
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command

from sessions import services, tasks
from sessions.models import Invitation
from tests.factories import UserFactory
from tests.helpers import assert_email_contains, parse
from tests.meetings.factories import InvitationFactory, MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting():
    meeting = MeetingFactory(title="Plenum Herbst")
    meeting.rsvp_deadline = meeting.starts_at - timedelta(days=5)
    meeting.save()
    return meeting


def _invite(meeting, response, **user):
    invitation = InvitationFactory(meeting=meeting, user=UserFactory(**user))
    Invitation.objects.filter(pk=invitation.pk).update(response=response)
    return invitation


def test_answer_reminder_goes_to_non_responders_once_even_when_beat_runs_twice(
    meeting, mailoutbox, django_capture_on_commit_callbacks
):
    _invite(meeting, "pending", email="offen@example.com")
    _invite(meeting, "yes", email="zusage@example.com")
    _invite(meeting, "no", email="absage@example.com")
    InvitationFactory(meeting=meeting, email="gast@example.net", sequence_sent=0)
    InvitationFactory(meeting=meeting, user=UserFactory(), sequence_sent=None)  # not yet mailed

    with time_machine.travel(meeting.rsvp_deadline - timedelta(days=2)):
        with django_capture_on_commit_callbacks(execute=True):
            first = tasks.send_answer_reminders_task()
        with django_capture_on_commit_callbacks(execute=True):
            second = tasks.send_answer_reminders_task()
        call_command("send_meeting_reminders", stdout=io.StringIO())

    assert (first, second) == (2, 0)
    assert sorted(m.to[0].split("<")[-1].rstrip(">") for m in mailoutbox) == [
        "gast@example.net",
        "offen@example.com",
    ]
    assert parse(mailoutbox[0])["Subject"] == "Bitte antworten Sie: Plenum Herbst"
    assert_email_contains(mailoutbox[0], "/meetings/rsvp/")


def test_answer_reminder_waits_until_the_configured_days_before_the_deadline(
    meeting, mailoutbox, django_capture_on_commit_callbacks
):
    _invite(meeting, "pending")

    with (
        time_machine.travel(meeting.rsvp_deadline - timedelta(days=4)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        queued = services.send_answer_reminders()

    assert queued == 0
    assert mailoutbox == []


def test_answer_reminder_days_are_configurable_and_zero_turns_it_off(
    meeting, django_capture_on_commit_callbacks
):
    _invite(meeting, "pending")
    meeting.reminder_days = 0
    meeting.save()

    with time_machine.travel(meeting.rsvp_deadline - timedelta(hours=1)):
        assert services.send_answer_reminders() == 0
    meeting.reminder_days = 7
    meeting.save()
    with time_machine.travel(meeting.rsvp_deadline - timedelta(days=6)):
        assert services.send_answer_reminders() == 1


def test_day_reminder_goes_to_yes_and_maybe_once_even_when_beat_runs_twice(
    meeting, mailoutbox, django_capture_on_commit_callbacks
):
    _invite(meeting, "yes", email="zusage@example.com")
    _invite(meeting, "maybe", email="vielleicht@example.com")
    _invite(meeting, "no")
    _invite(meeting, "pending")
    _invite(meeting, "waitlisted")

    with time_machine.travel(meeting.starts_at - timedelta(hours=23)):
        with django_capture_on_commit_callbacks(execute=True):
            first = tasks.send_meeting_reminders_task()
        with django_capture_on_commit_callbacks(execute=True):
            second = tasks.send_meeting_reminders_task()

    assert (first, second) == (2, 0)
    assert sorted(m.to[0].split("<")[-1].rstrip(">") for m in mailoutbox) == [
        "vielleicht@example.com",
        "zusage@example.com",
    ]
    assert parse(mailoutbox[0])["Subject"] == "Morgen: Plenum Herbst um 10:00 Uhr"


def test_day_reminder_not_sent_earlier_than_24_hours_or_for_cancelled_meetings(meeting):
    _invite(meeting, "yes")

    with time_machine.travel(meeting.starts_at - timedelta(hours=25)):
        assert services.send_meeting_reminders() == 0
    meeting.status = "cancelled"
    meeting.save()
    with time_machine.travel(meeting.starts_at - timedelta(hours=2)):
        assert services.send_meeting_reminders() == 0


def test_reminder_tasks_are_in_the_beat_schedule(settings):
    tasks_in_schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert {
        "meetings.send_answer_reminders",
        "meetings.send_meeting_reminders",
    } <= tasks_in_schedule
